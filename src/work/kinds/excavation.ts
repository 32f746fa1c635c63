import { GAS_WITH_HAZARDOUS_MEDIA, HOUR, MINUTE } from './gb30871.ts';
import { defineKind } from './work-kind.ts';

/**
 * 动土作业 excavation (GB 30871-2022 §11). No levels.
 * - Validity: §11 names none; one day (24 h), the conservative reading (the trench is re-checked daily).
 * - Approval: the unit where the work happens, after the owners of buried cables and pipes have
 *   countersigned (§11.2: 会签 of the electrical, instrument, piping and fire departments).
 * - Gas: a pit in a plant may collect toxic or flammable gas (§11.2); a sample only with hazardous media.
 * - Video: not required (slow civil work, often long; cave-in hazards are managed by shoring and
 *   inspection); cameras may still be bound. Guardian: §4.
 */
export const excavation = defineKind({
  id: 'excavation',
  numberPrefix: 'DT',
  label: { zh: '动土作业', en: 'Excavation' },
  shortLabel: { zh: '动土', en: 'Excavation' },
  levels: [],
  ungraded: {
    maxValidityMs: 24 * HOUR,
    authority: 'unit',
    retestAfterBreakMs: 60 * MINUTE,
    videoRequired: false,
  },
  escalatesOn: [],
  toxicRiskAuthority: null,
  gas: GAS_WITH_HAZARDOUS_MEDIA,
  guardian: { required: true },
  certificates: [],
  bindings: { machines: false, locks: false },
  supervision: { allowsOpenFlame: false },
  // GB 30871-2022 §11.2 and the 动土安全作业票 form
  measuresChecklist: [
    {
      zh: '地下电缆、管道、光缆等已查明并经相关部门会签，作业范围已标识',
      en: 'Buried cables and pipes located and countersigned; work area marked',
    },
    {
      zh: '挖掘按规定放坡或设置支撑，堆土距坑边不小于 1 m',
      en: 'Sides sloped or shored; spoil at least 1 m from the edge',
    },
    { zh: '作业现场设置围栏和警示标志，夜间设警示灯', en: 'Fenced and signed, warning lights at night' },
    {
      zh: '坑、槽、井内作业前检测有毒有害和可燃气体',
      en: 'Pits and trenches tested for toxic and flammable gas before entry',
    },
    {
      zh: '机械挖掘时与地下设施保持安全距离，必要时人工开挖',
      en: 'Machines keep clear of buried services; dig by hand where needed',
    },
  ],
  simops: { enclosesLinkedWork: false },
});
