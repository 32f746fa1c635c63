/**
 * The fire/smoke model's last steps (train-fire.ts; kept apart so a fine-tuned fire model, tried in
 * training/gpu/ and not adopted yet, can be shipped the same way): the frame-level threshold chosen on
 * the validation frames, the held-back clips measured once, the manifest entry and
 * models/fire-smoke.eval.json written.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelledImage } from '../../src/cli/commands/eval-data.ts';
import { frameRates } from '../../src/cli/commands/eval-metrics.ts';
import type { EvalReport } from '../../src/cli/commands/eval-run.ts';
import { PROJECT_ROOT, type ModelEntry } from '../../src/vision/detect/manifest.ts';
import type { Label } from '../../src/vision/detect/types.ts';
import { fireClip, fireNegatives, fireSmoke } from '../datasets.ts';
import { chooseThresholds, lowThresholdDetector, testReport, upsertManifest } from './finish.ts';
import { headEntry } from './train-yolox-head.ts';

export const FIRE_NAME = 'fire-smoke';
export const FIRE_LABELS: Label[] = ['fire', 'smoke'];
/**
 * The frame threshold: the lowest score at which every source of validation negatives (CCTV frames,
 * hard-hat-workers, safety-vest-v4) separately stays at ≤ 3% false-positive frames, leaving margin under the
 * 5% target. With 18 CCTV validation negatives that means none of them flagged. Until 2026-11-23 the rule
 * pooled the sources; the 140 easy photo negatives then let the threshold drop until one CCTV negative in
 * 18 was flagged, and the fine-tuned model chosen that way flagged 4 of 28 held-back CCTV negatives (card).
 */
const MAX_FP_RATE = 0.03;

export interface FireSplits {
  split: { train: LabelledImage[]; val: LabelledImage[]; test: LabelledImage[] };
  negs: {
    train: { hhw: LabelledImage[]; sv: LabelledImage[] };
    val: { hhw: LabelledImage[]; sv: LabelledImage[] };
  };
}

/** Added negative photos per PPE set (hard-hat-workers, safety-vest-v4) for training. */
export const FIRE_NEG_PER_SET = 150;

/** The clip split of fire-smoke-cctv and the added negative photos, as every fire trainer uses them. */
export async function fireSplits(negPerSet = FIRE_NEG_PER_SET): Promise<FireSplits> {
  const [split, negs] = await Promise.all([fireSmoke(), fireNegatives(negPerSet)]);
  return { split, negs };
}

export interface FireFinish {
  T: number;
  valFrame: { recall: number; fpRate: number };
  /** validation frame rates on the fire-smoke-cctv clips alone */
  valCctv: { recall: number; fpRate: number };
  /** validation false-positive frame rate per source of negatives */
  valFpBySource: Record<string, number>;
  valF1: Record<string, number>;
  test: EvalReport;
}

/** Counts for the card's Data section. */
export function fireSplitCounts(s: FireSplits, train: LabelledImage[], val: LabelledImage[]) {
  const added = new Set(
    [...s.negs.train.hhw, ...s.negs.train.sv, ...s.negs.val.hhw, ...s.negs.val.sv].map((i) => i.file),
  );
  const cctv = (l: LabelledImage[]) => l.filter((i) => !added.has(i.file));
  const neg = (i: { gts: unknown[] }) => i.gts.length === 0;
  const clips = (l: LabelledImage[]) => new Set(l.map((i) => fireClip(i.file))).size;
  return {
    train: cctv(train).length,
    val: cctv(val).length,
    test: s.split.test.length,
    trainClips: clips(cctv(train)),
    valClips: clips(cctv(val)),
    testClips: clips(s.split.test),
    trainNeg: cctv(train).filter(neg).length,
    valNeg: cctv(val).filter(neg).length,
    addedTrainHhw: s.negs.train.hhw.length,
    addedTrainSv: s.negs.train.sv.length,
    addedValHhw: s.negs.val.hhw.length,
    addedValSv: s.negs.val.sv.length,
    testNeg: s.split.test.filter(neg).length,
  };
}

export async function finishFire(
  file: { sha256: string; bytes: number },
  entryExtra: Partial<ModelEntry>,
  val: readonly LabelledImage[],
  s: FireSplits,
  log: (m: string) => void,
): Promise<FireFinish> {
  const low = await lowThresholdDetector(
    headEntry(FIRE_NAME, FIRE_LABELS, file.sha256, file.bytes, entryExtra),
  );
  const { valF1 } = await chooseThresholds(low, val, FIRE_LABELS);
  // frame-level threshold: the lowest score whose false-positive frame rate on the validation negatives
  // (CCTV frames, hard-hat-workers val, safety-vest-v4 valid) is ≤ 3%. One image at a time: the detector
  // reuses its input buffers, so concurrent detect() calls would mix images.
  const source = (f: string): string =>
    s.negs.val.hhw.some((i) => i.file === f)
      ? 'hard-hat-workers'
      : s.negs.val.sv.some((i) => i.file === f)
        ? 'safety-vest-v4'
        : 'fire-smoke-cctv';
  const frames: { source: string; positive: boolean; score: number }[] = [];
  for (const i of val)
    frames.push({
      source: source(i.file),
      positive: i.gts.length > 0,
      score: Math.max(0, ...(await low(i.file)).map((d) => d.score)),
    });
  const fpBySource = (t: number): Record<string, number> =>
    Object.fromEntries(
      ['fire-smoke-cctv', 'hard-hat-workers', 'safety-vest-v4'].map((src) => [
        src,
        frameRates(
          frames.filter((f) => f.source === src && !f.positive),
          t,
        ).fpRate || 0,
      ]),
    );
  // 1 (no frame alarms) is the fallback when no lower score keeps the rate
  const candidates = [...new Set([...frames.map((f) => Math.round(f.score * 100) / 100), 1])]
    .filter((t) => t >= 0.05)
    .sort((a, b) => a - b);
  const lowest = (ok: (t: number) => boolean): number => candidates.find(ok) ?? 1;
  const pooled = lowest((t) => (frameRates(frames, t).fpRate || 0) <= MAX_FP_RATE);
  const T = lowest((t) => Object.values(fpBySource(t)).every((r) => r <= MAX_FP_RATE));
  const valFrame = frameRates(frames, T);
  const valCctv = frameRates(
    frames.filter((f) => f.source === 'fire-smoke-cctv'),
    T,
  );
  const valFpBySource = fpBySource(T);
  log(
    `frame threshold ${T}: val recall ${valFrame.recall.toFixed(3)}, fp rate ${valFrame.fpRate.toFixed(3)} (by source ${JSON.stringify(valFpBySource)}); box F1 ${JSON.stringify(valF1)}`,
  );
  log(
    `  (for comparison, ≤ 3% over all sources pooled, the rule before 2026-11-23: threshold ${pooled}, val recall ${frameRates(frames, pooled).recall.toFixed(3)}, fp by source ${JSON.stringify(fpBySource(pooled))})`,
  );
  const entry = headEntry(FIRE_NAME, FIRE_LABELS, file.sha256, file.bytes, {
    ...entryExtra,
    thresholds: { score: T, nms: 0.45, perClass: { fire: T, smoke: T } } as ModelEntry['thresholds'],
    options: { frameThreshold: T, frameLabels: FIRE_LABELS },
  });
  const test = await testReport(
    low,
    'fire-smoke-cctv held-back clips',
    s.split.test,
    { labels: FIRE_LABELS, thresholds: { fire: T, smoke: T }, frameLabels: FIRE_LABELS, frameThreshold: T },
    log,
  );
  upsertManifest(entry);
  writeFileSync(
    join(PROJECT_ROOT, 'models', `${FIRE_NAME}.eval.json`),
    `${JSON.stringify({ test }, null, 2)}\n`,
  );
  return { T, valFrame, valCctv, valFpBySource, valF1, test };
}
