import { GAS_WITH_HAZARDOUS_MEDIA, HOUR, MINUTE } from './gb30871.ts';
import { defineKind } from './work-kind.ts';

/**
 * 临时用电作业 temporary power (GB 30871-2022 §10). No levels.
 * - Validity: 15 days. §10 has temporary supply "一般不超过15 d，特殊情况不超过一个月" (we read the same
 *   figure as in GB 30871-2014 §10); we take the ordinary 15 d, the conservative reading — a longer need
 *   is a new permit, not an extension.
 * - Approval: the unit (配送电单位 / 作业所在单位).
 * - Gas: connecting in a fire/explosion area needs a gas analysis first (§10.2, as for hot work): a
 *   passing sample only when the permit sets the combustible gas's LEL or a toxic risk.
 * - Certificate: 电工作业 (特种作业目录 category; the electricians hold 低压电工作业 under it).
 * - Video: not required — a supply stays up for days, and what matters (the 漏电保护器, cable routing)
 *   is checked by the electrician and the form, not seen on a camera; cameras may still be bound.
 * - Guardian: §4.
 */
export const temporaryPower = defineKind({
  id: 'temporary_power',
  numberPrefix: 'LD',
  label: { zh: '临时用电作业', en: 'Temporary power' },
  shortLabel: { zh: '临时用电', en: 'Temp. power' },
  levels: [],
  ungraded: {
    maxValidityMs: 15 * 24 * HOUR,
    authority: 'unit',
    retestAfterBreakMs: 60 * MINUTE,
    videoRequired: false,
  },
  escalatesOn: [],
  toxicRiskAuthority: null,
  gas: GAS_WITH_HAZARDOUS_MEDIA,
  guardian: { required: true },
  certificates: ['电工作业'],
  bindings: { machines: false, locks: false },
  supervision: { allowsOpenFlame: false },
  // GB 30871-2022 §10.2 and the 临时用电安全作业票 form
  measuresChecklist: [
    {
      zh: '接线由持证电工进行，临时用电设备和线路容量匹配',
      en: 'Connected by a certified electrician; equipment and cable sized for the load',
    },
    {
      zh: '安装漏电保护器，做到"一机一闸一保护"',
      en: 'Residual-current device fitted: one machine, one switch, one RCD',
    },
    {
      zh: '线路架空或埋地敷设，穿越道路处有防护',
      en: 'Cables overhead or buried, protected where they cross roads',
    },
    {
      zh: '火灾爆炸危险场所使用防爆电气设备并已进行气体检测',
      en: 'Explosion-proof equipment and a gas test in fire/explosion areas',
    },
    { zh: '配电箱上锁并有"有人工作、禁止合闸"标识', en: 'Distribution box locked and tagged' },
  ],
  simops: { enclosesLinkedWork: false },
});
