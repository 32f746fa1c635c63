import { HOUR, MINUTE, NO_GAS_ANALYSIS } from './gb30871.ts';
import { defineKind } from './work-kind.ts';

/**
 * 断路作业 road closure (GB 30871-2022 §12): work that blocks a road inside the plant. No levels.
 * - Validity: §12 names none; one day (24 h), the conservative reading.
 * - Approval: the unit, after the departments that need the road (fire, traffic) are told (§12.2).
 * - No gas rule; video not required (the closure itself is signs and barriers; fire access is the
 *   risk, handled by notice and a detour). Guardian: §4.
 */
export const roadClosure = defineKind({
  id: 'road_closure',
  numberPrefix: 'DL',
  label: { zh: '断路作业', en: 'Road closure' },
  shortLabel: { zh: '断路', en: 'Road closure' },
  levels: [],
  ungraded: {
    maxValidityMs: 24 * HOUR,
    authority: 'unit',
    retestAfterBreakMs: 60 * MINUTE,
    videoRequired: false,
  },
  escalatesOn: [],
  toxicRiskAuthority: null,
  gas: NO_GAS_ANALYSIS,
  guardian: { required: true },
  certificates: [],
  bindings: { machines: false, locks: false },
  supervision: { allowsOpenFlame: false },
  // GB 30871-2022 §12.2 and the 断路安全作业票 form
  measuresChecklist: [
    { zh: '已通知消防、调度等相关部门并明确绕行路线', en: 'Fire brigade and dispatch told; detour agreed' },
    {
      zh: '断路两端设置路栏、警示标志，夜间设警示灯',
      en: 'Barriers and signs at both ends, warning lights at night',
    },
    { zh: '保证消防车通行或有替代的应急通道', en: 'Fire-engine access kept or an alternative route open' },
    {
      zh: '作业结束后清理现场、恢复道路并通知相关部门',
      en: 'Site cleared, road restored and departments told when done',
    },
  ],
  simops: { enclosesLinkedWork: false },
});
