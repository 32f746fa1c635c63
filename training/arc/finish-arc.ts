/**
 * The arc model's last steps (train-arc.ts): the frame threshold chosen on the validation frames, the
 * held-out test composites and backgrounds measured once, the factory clip's false frames counted, the
 * manifest entry and models/arc.eval.json written.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameRates } from '../../src/cli/commands/eval-metrics.ts';
import type { EvalReport } from '../../src/cli/commands/eval-run.ts';
import { PROJECT_ROOT, type ModelEntry } from '../../src/vision/detect/manifest.ts';
import type { Detection, Label } from '../../src/vision/detect/types.ts';
import { lowThresholdDetector, testReport, upsertManifest } from '../head/finish.ts';
import { headEntry } from '../head/train-yolox-head.ts';
import { isLampNegative, type ArcImage, type Source } from './arc-data.ts';
import { brightNegatives } from './bright-negatives.ts';

export const ARC_NAME = 'arc';
export const ARC_LABELS: Label[] = ['arc'];
/**
 * The frame threshold: the lowest score at which every source of validation negatives separately stays
 * at ≤ 3 % false frames (the issue's target is ≤ 1 in 15 ≈ 6.7 % on workshop video: half of it, for margin).
 */
const MAX_FP_RATE = 0.03;
/**
 * The arc model joins the default pipeline only if validation shows it useful: at least this share of
 * the validation composites flagged at the chosen threshold (the issue's target is 8 of 9 real frames).
 * Below it the model ships opt-in (`detect.models`), its card says why.
 */
const MIN_DEFAULT_RECALL = 0.8;
/** Never below the hot-work rule's default minScore (0.5), so every `arc` box printed is one the rule reads. */
const MIN_THRESHOLD = 0.5;

export interface FrameScore {
  source: Source;
  positive: boolean;
  score: number;
}

export async function frameScores(
  detect: (f: string) => Promise<Detection[]>,
  images: readonly ArcImage[],
): Promise<FrameScore[]> {
  const out: FrameScore[] = [];
  // one image at a time: the detector reuses its input buffers
  for (const i of images)
    out.push({
      source: i.source,
      positive: i.gts.length > 0,
      score: Math.max(0, ...(await detect(i.file)).filter((d) => d.label === 'arc').map((d) => d.score)),
    });
  return out;
}

/** Recall on composites and false-frame rate on the backgrounds, per source, at threshold t. */
export function bySource(
  frames: readonly FrameScore[],
  t: number,
): Record<string, { recall: number; fpRate: number; negatives: number }> {
  const sources = [...new Set(frames.map((f) => f.source))];
  return Object.fromEntries(
    sources.map((s) => {
      const f = frames.filter((x) => x.source === s);
      const r = frameRates(f, t);
      return [s, { recall: r.recall, fpRate: r.fpRate, negatives: f.filter((x) => !x.positive).length }];
    }),
  );
}

export interface ArcChoice {
  T: number;
  val: { recall: number; fpRate: number; bySource: ReturnType<typeof bySource> };
  entry: ModelEntry;
}
export interface ArcTest {
  test: EvalReport;
  testBySource: ReturnType<typeof bySource>;
  /** held-out backgrounds with clipped-white highlights (bright-negatives.ts) and how many were flagged */
  bright: { frames: number; falseFrames: number };
  /** held-out negatives with drawn lamps / glints (render-arc.ts randomLamp) */
  lamps: { frames: number; falseFrames: number };
}

/** The frame threshold chosen on the validation frames; the manifest entry written with it. */
export async function chooseArcThreshold(
  file: { sha256: string; bytes: number },
  val: readonly ArcImage[],
  log: (m: string) => void,
): Promise<ArcChoice> {
  const low = await lowThresholdDetector(headEntry(ARC_NAME, ARC_LABELS, file.sha256, file.bytes, {}));
  const vf = await frameScores(low, val);
  const candidates = [...new Set([...vf.map((f) => Math.round(f.score * 100) / 100), 1])]
    .filter((t) => t >= MIN_THRESHOLD)
    .sort((a, b) => a - b);
  const ok = (t: number) => Object.values(bySource(vf, t)).every((s) => (s.fpRate || 0) <= MAX_FP_RATE);
  const T = candidates.find(ok) ?? 1;
  const valAtT = { ...frameRates(vf, T), bySource: bySource(vf, T) };
  log(
    `frame threshold ${T}: val recall ${valAtT.recall.toFixed(3)}, fp ${valAtT.fpRate.toFixed(3)}; by source ${JSON.stringify(valAtT.bySource)}`,
  );
  const entry = headEntry(ARC_NAME, ARC_LABELS, file.sha256, file.bytes, {
    defaultPipeline: valAtT.recall >= MIN_DEFAULT_RECALL,
    thresholds: { score: T, nms: 0.45, perClass: { arc: T } } as ModelEntry['thresholds'],
    options: { frameThreshold: T, frameLabels: ARC_LABELS },
  });
  upsertManifest(entry);
  return { T, val: valAtT, entry };
}

/**
 * The held-out test composites and backgrounds, measured once per shipped recipe (the card counts the
 * reads), at the shipped threshold; models/arc.eval.json written.
 */
export async function testArc(
  entry: ModelEntry,
  test: readonly ArcImage[],
  log: (m: string) => void,
): Promise<ArcTest> {
  const T = entry.options?.frameThreshold as number;
  const low = await lowThresholdDetector(entry);
  const testEval = await testReport(
    low,
    'arc held-out composites and backgrounds',
    test,
    { labels: ARC_LABELS, thresholds: { arc: T }, frameLabels: ARC_LABELS, frameThreshold: T },
    log,
  );
  const scores = await frameScores(low, test);
  const testBySource = bySource(scores, T);
  log(`test by source ${JSON.stringify(testBySource)}`);
  const brightFiles = new Set((await brightNegatives(test)).map((b) => b.file));
  const brightScores = scores.filter((_, i) => brightFiles.has((test[i] as ArcImage).file));
  const bright = {
    frames: brightScores.length,
    falseFrames: brightScores.filter((f) => f.score >= T).length,
  };
  const lampScores = scores.filter((_, i) => isLampNegative((test[i] as ArcImage).file));
  const lamps = { frames: lampScores.length, falseFrames: lampScores.filter((f) => f.score >= T).length };
  log(`test backgrounds with clipped-white highlights: ${bright.falseFrames} of ${bright.frames} flagged`);
  log(`test negatives with drawn lamps / glints: ${lamps.falseFrames} of ${lamps.frames} flagged`);
  const worst = scores
    .map((f, i) => ({ ...f, file: (test[i] as ArcImage).file }))
    .filter((f) => !f.positive && f.score >= T)
    .sort((a, b) => b.score - a.score);
  log(
    `flagged test backgrounds: ${worst.map((w) => `${w.source} ${w.score.toFixed(2)} ${w.file}`).join('\n  ')}`,
  );
  writeFileSync(
    join(PROJECT_ROOT, 'models', `${ARC_NAME}.eval.json`),
    `${JSON.stringify({ test: testEval, testBySource, bright, lamps }, null, 2)}\n`,
  );
  return { test: testEval, testBySource, bright, lamps };
}
