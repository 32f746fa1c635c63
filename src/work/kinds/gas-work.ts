import { GB30871_GAS_LIMITS, HOUR, MINUTE } from './gb30871.ts';
import { defineKind } from './work-kind.ts';

/**
 * CO bands of GB 6222-2005 (工业企业煤气安全规程, chapter 10 煤气设施的操作与检修: entering gas
 * equipment): CO ≤ 30 mg/m³ may work long; ≤ 50 mg/m³ at most 1 h; ≤ 100 mg/m³ at most 0.5 h;
 * ≤ 200 mg/m³ at most 15–20 min; spells inside at least 2 h apart. Converted to ppm at 0 °C
 * (× 22.4 / 28), which gives the lower ppm figures (24 / 40 / 80 / 160) — the conservative reading;
 * for the 15–20 min band we take 15 min. Above 160 ppm the sample fails.
 */
const CO_BANDS = [
  { maxPpm: 24, maxContinuousMs: null },
  { maxPpm: 40, maxContinuousMs: 60 * MINUTE },
  { maxPpm: 80, maxContinuousMs: 30 * MINUTE },
  { maxPpm: 160, maxContinuousMs: 15 * MINUTE },
] as const;

/**
 * 煤气作业 work on blast-furnace / coke-oven / converter gas systems (metallurgy; GB 6222-2005, and
 * 特种作业目录 冶金（有色）生产安全作业 — 煤气作业 for the certificate).
 * - Levels: 带煤气作业 (live-gas work: 带煤气抽堵盲板, 接管, 钻孔 — GB 6222 puts it in the first-class
 *   gas-hazard area, 戴呼吸器方可工作) above 一般煤气作业 (on gas-free, purged equipment, e.g. 停煤气后
 *   检修 or entering the equipment).
 * - Approval: 带煤气作业 the leader (主管领导, with the 煤气防护站 present); 一般 the safety department.
 * - Validity: one shift (8 h) for live-gas work, one day (24 h) otherwise (conservative; GB 6222 names
 *   no permit window).
 * - Gas: CO, O2 and combustible in every sample before start (O2 ≥ 19.5 %, GB 30871-2022 limits for the
 *   rest); the CO reading bounds the window by the bands above; re-analysed at least every 2 h while
 *   work goes on (GB 6222-2005 chapter 10: 每两小时应重新分析).
 * - Video always (the issue's rule for 煤气, as for 特级动火 and 受限空间); guardian always (GB 6222: 带煤气
 *   作业 under the 煤气防护站's watch, others with a 监护人 present).
 */
export const gasWork = defineKind({
  id: 'gas_work',
  numberPrefix: 'MQ',
  label: { zh: '煤气作业', en: 'Gas (coal/blast-furnace gas) work' },
  shortLabel: { zh: '煤气', en: 'Gas work' },
  levels: [
    {
      id: 'live_gas',
      zh: '带煤气作业',
      en: 'live-gas work',
      maxValidityMs: 8 * HOUR,
      authority: 'leader',
      retestAfterBreakMs: 30 * MINUTE,
      videoRequired: true,
    },
    {
      id: 'general',
      zh: '一般煤气作业',
      en: 'general gas work',
      maxValidityMs: 24 * HOUR,
      authority: 'safety_dept',
      retestAfterBreakMs: 60 * MINUTE,
      videoRequired: true,
    },
  ],
  ungraded: null,
  escalatesOn: [],
  toxicRiskAuthority: null,
  gas: {
    mustMeasure: ['co', 'o2', 'combustible'],
    limits: { ...GB30871_GAS_LIMITS, coMaxPpm: 160 },
    requiredBeforeStart: 'always',
    freshMs: 30 * MINUTE,
    continuousMs: 2 * HOUR,
    exposure: { gas: 'co', bands: CO_BANDS, restBetweenEntriesMs: 2 * HOUR },
  },
  guardian: { required: true },
  certificates: ['煤气作业'],
  bindings: { machines: false, locks: false },
  supervision: { allowsOpenFlame: false },
  // GB 6222-2005 (带煤气作业, 煤气设施检修) and the plants' 煤气作业票 forms
  measuresChecklist: [
    {
      zh: '作业人员佩戴空气呼吸器（带煤气作业）或备好呼吸器',
      en: 'Air respirators worn (live-gas work) or ready at hand',
    },
    {
      zh: '煤气防护站人员到场监护，携带 CO 报警仪',
      en: 'Gas-rescue station staff present, carrying CO alarms',
    },
    {
      zh: '煤气设施已可靠切断（盲板或眼镜阀加水封）并吹扫置换合格',
      en: 'Gas isolated (blind or goggle valve with water seal), purged and tested',
    },
    {
      zh: '作业区域设置警戒，上风向作业，严禁火源',
      en: 'Zone cordoned off; work upwind; no ignition sources',
    },
    { zh: '使用铜质等防爆工具，照明电压不超过 12 V', en: 'Non-sparking (copper) tools; lighting ≤ 12 V' },
    {
      zh: '带煤气作业不在雷雨天进行，不宜在夜间进行',
      en: 'No live-gas work in thunderstorms, and not at night where avoidable',
    },
  ],
  simops: { enclosesLinkedWork: false },
});
