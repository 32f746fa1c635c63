import { GAS_WITH_HAZARDOUS_MEDIA, HOUR, MINUTE } from './gb30871.ts';
import { defineKind } from './work-kind.ts';

/**
 * 盲板抽堵作业 line blinding (GB 30871-2022 §7). The 2022 edition grades it no more (no levels).
 * - Validity: §7 names no figure; we take one day (24 h, as 受限空间 §6.1) — the conservative reading,
 *   since §7 also wants one permit per plate per action (抽 or 堵), i.e. a short job.
 * - Approval: the unit where the work happens (作业所在单位, GB 30871-2022 §4 审批 table).
 * - Gas: a passing sample before start only where the line held flammable or toxic media (the permit's
 *   LEL or toxic risk is set): §7.2 asks for 防爆工具 / 防护用具 there; combustible limits of §5.3.
 * - Guardian: GB 30871-2022 §4 (every special work has a 监护人).
 * - Video: required. Opening a line that held flammable or toxic media is the hazard the isolation of
 *   every hot work and confined-space entry rests on; the camera is the record that one plate was
 *   handled at a time (§7.2: 同一管道上不应同时进行两处及以上的盲板抽堵作业).
 */
export const blindPlate = defineKind({
  id: 'blind_plate',
  numberPrefix: 'MB',
  label: { zh: '盲板抽堵作业', en: 'Line blinding (blind plate)' },
  shortLabel: { zh: '盲板', en: 'Blind plate' },
  levels: [],
  ungraded: {
    maxValidityMs: 24 * HOUR,
    authority: 'unit',
    retestAfterBreakMs: 60 * MINUTE,
    videoRequired: true,
  },
  escalatesOn: [],
  toxicRiskAuthority: null,
  gas: GAS_WITH_HAZARDOUS_MEDIA,
  guardian: { required: true },
  certificates: [],
  bindings: { machines: false, locks: false },
  supervision: { allowsOpenFlame: false },
  // GB 30871-2022 §7.2 and the 盲板抽堵安全作业票 form
  measuresChecklist: [
    {
      zh: '管道、设备内介质已泄压至常压，温度适宜作业',
      en: 'Line depressurised to atmospheric and at a workable temperature',
    },
    {
      zh: '盲板编号、位置、规格与盲板位置图一致，盲板及垫片符合要求',
      en: 'Plate number, position and rating match the blinding drawing; plate and gaskets fit',
    },
    {
      zh: '火灾爆炸危险场所使用防爆工具，穿防静电工作服和工作鞋',
      en: 'Spark-proof tools and anti-static clothing and shoes in explosive areas',
    },
    { zh: '有毒介质场所佩戴相应的呼吸防护用具', en: 'Respiratory protection where the medium is toxic' },
    {
      zh: '同一管道上未同时进行两处及以上盲板抽堵作业',
      en: 'No other blinding on the same line at the same time',
    },
    { zh: '作业点设置警戒区，悬挂盲板标识牌', en: 'Work point cordoned off and the plate tagged' },
  ],
  simops: { enclosesLinkedWork: false },
});
