import { HOUR, MINUTE, NO_GAS_ANALYSIS } from './gb30871.ts';
import { defineKind } from './work-kind.ts';

/**
 * 吊装作业 lifting (GB 30871-2022 §9), graded by the load (§9.1): 一级 m > 100 t, 二级 40 t ≤ m ≤ 100 t,
 * 三级 m < 40 t.
 * - Approval: 一级 the leader, 二级 the safety department, 三级 the unit (GB 30871-2014 §9 ladder —
 *   一级 by the 主管厂长/总工程师 — kept since 2022 leaves the approver to the enterprise; §9.2 wants a
 *   lifting plan for 一级/二级 and for 三级 lifts in complex conditions).
 * - Validity: the standard names none; one day (24 h), the conservative reading: a lift is planned and
 *   signed for the day it happens.
 * - Video: 一级/二级 (heavy lifts over plant, the camera records the exclusion zone); 三级 not required.
 * - No gas rule (no gas hazard in the lift itself; linked hot work or blinding brings its own).
 * - Certificates: crane operators hold a 特种设备作业人员证 (Q), a scheme apart from the 特种作业操作证
 *   categories checked here, so none is listed. Guardian: §4.
 */
export const lifting = defineKind({
  id: 'lifting',
  numberPrefix: 'DZ',
  label: { zh: '吊装作业', en: 'Lifting' },
  shortLabel: { zh: '吊装', en: 'Lifting' },
  levels: [
    {
      id: 'level1',
      zh: '一级（>100 t）',
      en: 'level 1 (> 100 t)',
      maxValidityMs: 24 * HOUR,
      authority: 'leader',
      retestAfterBreakMs: 60 * MINUTE,
      videoRequired: true,
    },
    {
      id: 'level2',
      zh: '二级（40–100 t）',
      en: 'level 2 (40–100 t)',
      maxValidityMs: 24 * HOUR,
      authority: 'safety_dept',
      retestAfterBreakMs: 60 * MINUTE,
      videoRequired: true,
    },
    {
      id: 'level3',
      zh: '三级（<40 t）',
      en: 'level 3 (< 40 t)',
      maxValidityMs: 24 * HOUR,
      authority: 'unit',
      retestAfterBreakMs: 60 * MINUTE,
      videoRequired: false,
    },
  ],
  ungraded: null,
  escalatesOn: [],
  toxicRiskAuthority: null,
  gas: NO_GAS_ANALYSIS,
  guardian: { required: true },
  certificates: [],
  bindings: { machines: false, locks: false },
  supervision: { allowsOpenFlame: false },
  // GB 30871-2022 §9.2 and the 吊装安全作业票 form
  measuresChecklist: [
    {
      zh: '吊装方案已编制并审批（一级、二级及复杂三级吊装）',
      en: 'Lifting plan written and approved (levels 1, 2 and complex level 3)',
    },
    {
      zh: '起重机械、吊具、索具经检查完好，安全装置灵敏可靠',
      en: 'Crane, slings and rigging inspected; safety devices working',
    },
    {
      zh: '吊装区域设置警戒线，专人监护，无关人员撤离',
      en: 'Lift zone cordoned off and watched; others cleared',
    },
    { zh: '指挥人员持证上岗，指挥信号明确统一', en: 'Certified signaller with one agreed set of signals' },
    {
      zh: '与输电线路保持安全距离，支腿下方地基坚实',
      en: 'Safe distance from power lines; outriggers on firm ground',
    },
    {
      zh: '遇六级以上大风、大雪、大雨、大雾停止露天吊装',
      en: 'Outdoor lifting stops in wind force ≥ 6, heavy snow, rain or fog',
    },
  ],
  simops: { enclosesLinkedWork: false },
});
