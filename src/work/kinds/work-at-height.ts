import { GAS_WITH_HAZARDOUS_MEDIA, HOUR, MINUTE } from './gb30871.ts';
import { defineKind, type KindLevel } from './work-kind.ts';

const DAY = 24 * HOUR;

/** What every height level shares: the re-test interval after a break (gas only with hazardous media). */
const level = (l: Omit<KindLevel, 'retestAfterBreakMs'>): KindLevel => ({
  ...l,
  retestAfterBreakMs: 60 * MINUTE,
});

/**
 * 高处作业 work at height (GB 30871-2022 §8), graded by working height per GB/T 3608-2008 §4:
 * I级 2–5 m, II级 5–15 m, III级 15–30 m, IV级 above 30 m (named 特级高处作业 in GB 30871-2014 §8.1,
 * hence the label "IV级（特级）").
 * - Escalation: GB/T 3608-2008 §5 puts work with an objective fall hazard (strong wind, darkness,
 *   rain or snow, live lines, suspended work …) in class B, one level higher (IV stays IV): we raise
 *   one level for night and special circumstances; holidays are not a GB/T 3608 factor.
 * - Approval: GB 30871-2022 leaves it to the enterprise; we keep GB 30871-2014 §8.3's ladder —
 *   I级 the unit, II/III级 the safety department (厂主管部门), IV级 the leader (主管安全负责人).
 * - Validity: GB 30871-2022 names none; GB 30871-2014 gave the 高处作业证 7 days. We keep 7 d for I/II级
 *   and take one day for III/IV级 (conservative: the levels approved above the unit are re-checked daily).
 * - Video: III/IV级 (falls from above 15 m are fatal; the camera records harness and anchor use);
 *   I/II级 not required (short ladder and platform jobs, often moving), cameras may still be bound.
 * - Gas: §8.2 wants detection where toxic or flammable gas may leak: a sample only with hazardous media.
 * - Certificate: 高处作业 (特种作业目录: 登高架设 / 高处安装、维护、拆除作业). Guardian: §4.
 */
export const workAtHeight = defineKind({
  id: 'work_at_height',
  numberPrefix: 'GC',
  label: { zh: '高处作业', en: 'Work at height' },
  shortLabel: { zh: '高处', en: 'Height' },
  levels: [
    level({
      id: 'level4',
      zh: 'IV级（特级）',
      en: 'class IV (special, > 30 m)',
      maxValidityMs: DAY,
      authority: 'leader',
      videoRequired: true,
    }),
    level({
      id: 'level3',
      zh: 'III级',
      en: 'class III (15–30 m)',
      maxValidityMs: DAY,
      authority: 'safety_dept',
      videoRequired: true,
    }),
    level({
      id: 'level2',
      zh: 'II级',
      en: 'class II (5–15 m)',
      maxValidityMs: 7 * DAY,
      authority: 'safety_dept',
      videoRequired: false,
    }),
    level({
      id: 'level1',
      zh: 'I级',
      en: 'class I (2–5 m)',
      maxValidityMs: 7 * DAY,
      authority: 'unit',
      videoRequired: false,
    }),
  ],
  ungraded: null,
  escalatesOn: ['night', 'special_circumstance'],
  toxicRiskAuthority: null,
  gas: GAS_WITH_HAZARDOUS_MEDIA,
  guardian: { required: true },
  certificates: ['高处作业'],
  bindings: { machines: false, locks: false },
  supervision: { allowsOpenFlame: false },
  // GB 30871-2022 §8.2 and the 高处安全作业票 form
  measuresChecklist: [
    { zh: '作业人员身体条件符合要求，着装符合要求', en: 'Workers fit for height work and properly dressed' },
    {
      zh: '佩戴安全帽，系挂安全带并高挂低用，挂点牢固',
      en: 'Helmet on; harness clipped high to a sound anchor',
    },
    {
      zh: '脚手架、梯子、作业平台经检查合格，设置防护栏杆和安全网',
      en: 'Scaffold, ladder and platform inspected; guardrails and nets in place',
    },
    {
      zh: '工具、材料放入工具袋，不得上下抛掷',
      en: 'Tools and materials in bags; nothing thrown up or down',
    },
    { zh: '作业区下方设置警戒区，无人员通行', en: 'Area below cordoned off, nobody passing' },
    {
      zh: '遇五级以上大风、雷雨、大雾等恶劣天气停止露天高处作业',
      en: 'Outdoor height work stops in wind force ≥ 5, thunderstorm or fog',
    },
  ],
  simops: { enclosesLinkedWork: false },
});
