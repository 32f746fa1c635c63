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
    requiredBeforeStart: 'always',
    freshMs: 30 * MINUTE,
    continuousMs: 2 * HOUR,
    exposure: null,
  },
  guardian: { required: true },
  certificates: [],
  bindings: { machines: false, locks: true },
  supervision: { allowsOpenFlame: false },
  // GB 30871-2022 §6.2 and the 受限空间安全作业票 form; 应急管理部令第13号 先通风、再检测、后作业
  measuresChecklist: [
    {
      zh: '与受限空间相连的管道已加盲板隔离或拆除一段，设备已断电并上锁挂牌',
      en: 'Connected lines blinded or cut; equipment de-energised, locked and tagged',
    },
    {
      zh: '已清洗、置换并强制通风，先通风、再检测、后作业',
      en: 'Cleaned, purged and force-ventilated: ventilate, test, then work',
    },
    {
      zh: '出入口畅通，设置警示标志，配备安全带、救生绳等救援器材',
      en: 'Entrance clear and signed; harness, lifeline and rescue gear ready',
    },
    {
      zh: '照明电压不大于 36 V，潮湿或金属容器内不大于 12 V',
      en: 'Lighting ≤ 36 V, ≤ 12 V in wet spaces or metal vessels',
    },
    {
      zh: '监护人在出入口外全程监护，登记进出人员和工器具',
      en: 'Guardian outside the entrance throughout, logging people and tools in and out',
    },
  ],
  simops: { enclosesLinkedWork: true },
});
