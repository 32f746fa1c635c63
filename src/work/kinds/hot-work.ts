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
    requiredBeforeStart: 'always',
    freshMs: 30 * MINUTE,
    continuousMs: null,
    exposure: null,
  },
  guardian: { required: true },
  certificates: ['焊接与热切割作业'],
  bindings: { machines: true, locks: false },
  supervision: { allowsOpenFlame: true },
  // GB 30871-2022 §5.2 and the 动火安全作业票 form (附录 A)
  measuresChecklist: [
    {
      zh: '动火设备内部构件清洗干净，蒸汽吹扫或水洗、置换合格',
      en: 'Equipment internals cleaned, steamed or washed, purged',
    },
    {
      zh: '与动火点相连的管道已断开或加盲板隔离，未以水封或关阀代替',
      en: 'Connected lines disconnected or blinded (no water seal or closed valve instead)',
    },
    {
      zh: '动火点周围 15 m 内可燃物已清除，孔洞、地沟、井口已封盖',
      en: 'Combustibles within 15 m removed; openings, trenches and drains covered',
    },
    {
      zh: '气瓶间距不小于 5 m，与动火点不小于 10 m',
      en: 'Gas cylinders at least 5 m apart and 10 m from the flame',
    },
    { zh: '现场配备消防器材，监护人到位', en: 'Fire extinguishers on site; guardian in place' },
    { zh: '高处动火已采取防火花飞溅措施', en: 'Spark containment for hot work at height' },
  ],
  simops: { enclosesLinkedWork: false },
});
