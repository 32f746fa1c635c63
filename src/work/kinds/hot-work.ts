import { GB30871_GAS_LIMITS, HOUR, MINUTE } from './gb30871.ts';
import { defineKind } from './work-kind.ts';

/**
 * 动火作业 hot work (GB 30871-2022 §5): 特级 / 一级 / 二级; holidays, nights and special
 * circumstances raise it one level; 特级/一级 8 h and 二级 72 h per permit; 特级 approved by the
 * 主管领导, 一级 by the 安全管理部门, 二级 by the 作业所在单位; re-test after a break of 30 min
 * (特级/一级) or 60 min (二级). Welders hold 焊接与热切割作业 and scan the machine's QR (一机一码).
 */
export const hotWork = defineKind({
  id: 'hot_work',
  numberPrefix: 'DH',
  label: { zh: '动火作业', en: 'Hot work' },
  shortLabel: { zh: '动火', en: 'Hot work' },
  levels: [
    {
      id: 'special',
      zh: '特级',
      en: 'special',
      maxValidityMs: 8 * HOUR,
      authority: 'leader',
      retestAfterBreakMs: 30 * MINUTE,
      videoRequired: true,
    },
    {
      id: 'level1',
      zh: '一级',
      en: 'level 1',
      maxValidityMs: 8 * HOUR,
      authority: 'safety_dept',
      retestAfterBreakMs: 30 * MINUTE,
      videoRequired: true,
    },
    {
      id: 'level2',
      zh: '二级',
      en: 'level 2',
      maxValidityMs: 72 * HOUR,
      authority: 'unit',
      retestAfterBreakMs: 60 * MINUTE,
      videoRequired: true,
    },
  ],
  ungraded: null,
  escalatesOn: ['holiday', 'night', 'special_circumstance'],
  toxicRiskAuthority: null,
  gas: {
    mustMeasure: ['combustible'],
    limits: GB30871_GAS_LIMITS,
    requiredBeforeStart: true,
    freshMs: 30 * MINUTE,
    continuousMs: null,
  },
  guardian: { required: true },
  certificates: ['焊接与热切割作业'],
  bindings: { machines: true, locks: false },
  supervision: { allowsOpenFlame: true },
});
