import { GB30871_GAS_LIMITS, HOUR, MINUTE } from './gb30871.ts';
import { defineKind } from './work-kind.ts';

/**
 * 受限空间作业 confined-space entry (GB 30871-2022 §6; 有限空间 under 应急管理部令第13号, the name
 * the plants' forms use): no levels; 24 h per permit; approved by the 作业所在单位, by the 主要负责人
 * when H2S/CO/CO2 may be present; O2 measured in every sample, monitoring logged at least every 2 h
 * while work goes on; re-test after a 60 min break; the entrance locked and coded (加锁赋码).
 */
export const confinedSpace = defineKind({
  id: 'confined_space',
  numberPrefix: 'SX',
  label: { zh: '有限空间作业', en: 'Confined space' },
  shortLabel: { zh: '有限空间', en: 'Confined space' },
  levels: [],
  ungraded: {
    maxValidityMs: 24 * HOUR,
    authority: 'unit',
    retestAfterBreakMs: 60 * MINUTE,
    videoRequired: true,
  },
  escalatesOn: [],
  toxicRiskAuthority: 'leader',
  gas: {
    mustMeasure: ['combustible', 'o2'],
    limits: GB30871_GAS_LIMITS,
    requiredBeforeStart: true,
    freshMs: 30 * MINUTE,
    continuousMs: 2 * HOUR,
  },
  guardian: { required: true },
  certificates: [],
  bindings: { machines: false, locks: true },
  supervision: { allowsOpenFlame: false },
});
