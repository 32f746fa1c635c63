/**
 * `npm run train:fire-smoke`: `fire` and `smoke` boxes on CCTV frames plus a frame-level decision
 * (any fire/smoke box ≥ the frame threshold). YOLOX-Nano COCO backbone frozen; per-cell MLP head.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { frameRates } from '../src/cli/commands/eval-metrics.ts';
import { PROJECT_ROOT, type ModelEntry } from '../src/detect/manifest.ts';
import type { Label } from '../src/detect/types.ts';
import { fireCard } from './cards.ts';
import { fireClip, fireNegatives, fireSmoke } from './datasets.ts';
import {
  chooseThresholds,
  lowThresholdDetector,
  reportTable,
  testReport,
  upsertManifest,
  writeCard,
} from './head/finish.ts';
import { colourFromEnv } from './head/export.ts';
import { headEntry, trainYoloxHead } from './head/train-yolox-head.ts';

const NAME = 'fire-smoke';
const LABELS: Label[] = ['fire', 'smoke'];
/**
 * Chosen on validation frames (all sources of negatives pooled), leaving margin under the 5% target. The
 * false-positive rate on the CCTV validation negatives alone is logged and stated in the card: it is 19
 * frames, too few to hold a 3% rate on their own (one false alarm is 5.3%).
 */
const MAX_FP_RATE = 0.03;
/** Added negative photos per PPE set for training (hard-hat-workers, safety-vest-v4). */
const NEG_PER_SET = Number(process.env.JH_NEG_PER_SET ?? 150);
/**
 * Colour features per grid cell, as the hard-hat head has them (mean B, G, R and chroma over the cell and
 * the cell above; export.ts ColourSpec): flame and smoke are colours first. Chosen on validation (card).
 * JH_COLOUR=none trains without them; JH_COLOUR='{"context":[1,2],"above":[1]}' tries other windows.
 */
const COLOUR = colourFromEnv({ context: [1], above: [1] });
const log = (m: string): void => console.log(m);

const t0 = Date.now();
const split = await fireSmoke();
const limit = Number(process.env.JH_LIMIT ?? Infinity);
const negs = await fireNegatives(NEG_PER_SET);
const extraTrain = [...negs.train.hhw, ...negs.train.sv].slice(0, limit);
const extraVal = [...negs.val.hhw, ...negs.val.sv].slice(0, limit);
const added = new Set([...extraTrain, ...extraVal].map((i) => i.file));
const train = [...split.train.slice(0, limit), ...extraTrain];
const val = [...split.val.slice(0, limit), ...extraVal];
const cctv = (l: typeof train) => l.filter((i) => !added.has(i.file));
const neg = (i: { gts: unknown[] }) => i.gts.length === 0;
const clips = (l: typeof train) => new Set(l.map((i) => fireClip(i.file))).size;
log(
  `fire-smoke-cctv by clip: train ${cctv(train).length} frames / ${clips(cctv(train))} clips (${cctv(train).filter(neg).length} negative), ` +
    `val ${cctv(val).length} / ${clips(cctv(val))} (${cctv(val).filter(neg).length} neg), test ${split.test.length} / ${clips(split.test)} (${split.test.filter(neg).length} neg); ` +
    `added negatives: train hard-hat-workers ${negs.train.hhw.length} + safety-vest-v4 ${negs.train.sv.length}, ` +
    `val ${negs.val.hhw.length} + ${negs.val.sv.length}`,
);
mkdirSync(join(PROJECT_ROOT, 'training', 'splits'), { recursive: true });
writeFileSync(
  join(PROJECT_ROOT, 'training', 'splits', `${NAME}-test.txt`),
  `${split.test.map((i) => relative(PROJECT_ROOT, i.file)).join('\n')}\n`,
);

const res = await trainYoloxHead({
  name: NAME,
  labels: LABELS,
  train,
  val,
  // CCTV frames without fire are the hard negatives here (lamps, red signs, fog): see them more often;
  // the added PPE photos are used once each (safety-vest-v4's files are already augmented copies)
  augCopies: (img) => (added.has(img.file) ? 0 : img.gts.length === 0 ? 2 : 1),
  levels: [
    { stride: 8, min: 0, max: 64 },
    { stride: 16, min: 32, max: 160 },
    { stride: 32, min: 96, max: 1e9 },
  ],
  negRates: [0.04, 0.08, 0.16],
  hardNegMax: 10,
  hidden: 48,
  epochs: Number(process.env.JH_EPOCHS ?? 8),
  negWeight: 1,
  qualityObjectness: process.env.JH_QUALITY === '1',
  ...(COLOUR ? { colour: COLOUR } : {}),
  // the frame decision is a max over ~3500 cells: train against the true share of background
  importanceWeights: true,
  emptyFrameBoost: 3,
  seed: 20261123,
  log,
});

let entry = headEntry(NAME, LABELS, res.sha256, res.bytes, {});
const low = await lowThresholdDetector(entry);
const { valF1 } = await chooseThresholds(low, val, LABELS);
// frame-level threshold: the lowest score whose false-positive frame rate on the validation negatives
// (CCTV frames, hard-hat-workers val, safety-vest-v4 valid) is ≤ 3%. One image at a time: the detector
// reuses its input buffers, so concurrent detect() calls would mix images.
const source = (file: string): string =>
  negs.val.hhw.some((i) => i.file === file)
    ? 'hard-hat-workers'
    : negs.val.sv.some((i) => i.file === file)
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
    ['fire-smoke-cctv', 'hard-hat-workers', 'safety-vest-v4'].map((s) => [
      s,
      frameRates(
        frames.filter((f) => f.source === s && !f.positive),
        t,
      ).fpRate || 0,
    ]),
  );
// 1 (no frame alarms) is the fallback when no lower score keeps the rate
const candidates = [...new Set([...frames.map((f) => Math.round(f.score * 100) / 100), 1])]
  .filter((t) => t >= 0.05)
  .sort((a, b) => a - b);
const lowest = (ok: (t: number) => boolean): number => candidates.find(ok) ?? 1;
const T = lowest((t) => (frameRates(frames, t).fpRate || 0) <= MAX_FP_RATE);
const valFrame = frameRates(frames, T);
const valCctv = frameRates(
  frames.filter((f) => f.source === 'fire-smoke-cctv'),
  T,
);
const valFpBySource = fpBySource(T);
const perSource = lowest((t) => Object.values(fpBySource(t)).every((r) => r <= MAX_FP_RATE));
log(
  `frame threshold ${T}: val recall ${valFrame.recall.toFixed(3)}, fp rate ${valFrame.fpRate.toFixed(3)} (by source ${JSON.stringify(valFpBySource)}); box F1 ${JSON.stringify(valF1)}`,
);
log(
  `  (for comparison, ≤ 3% on each source separately: threshold ${perSource}, val recall ${frameRates(frames, perSource).recall.toFixed(3)}, fp by source ${JSON.stringify(fpBySource(perSource))})`,
);
entry = headEntry(NAME, LABELS, res.sha256, res.bytes, {
  thresholds: { score: T, nms: 0.45, perClass: { fire: T, smoke: T } } as ModelEntry['thresholds'],
  options: { frameThreshold: T, frameLabels: LABELS },
});
const test = await testReport(
  low,
  'fire-smoke-cctv held-back clips',
  split.test,
  {
    labels: LABELS,
    thresholds: { fire: T, smoke: T },
    frameLabels: LABELS,
    frameThreshold: T,
  },
  log,
);
upsertManifest(entry);
const minutes = (Date.now() - t0) / 60000;
writeCard(
  NAME,
  fireCard({
    res,
    T,
    valFrame,
    valCctv,
    valFpBySource,
    valF1,
    split: {
      train: cctv(train).length,
      val: cctv(val).length,
      test: split.test.length,
      trainClips: clips(cctv(train)),
      valClips: clips(cctv(val)),
      testClips: clips(split.test),
      trainNeg: cctv(train).filter(neg).length,
      valNeg: cctv(val).filter(neg).length,
      addedTrainHhw: negs.train.hhw.length,
      addedTrainSv: negs.train.sv.length,
      addedValHhw: negs.val.hhw.length,
      addedValSv: negs.val.sv.length,
      testNeg: split.test.filter(neg).length,
    },
    table: reportTable(test),
    test,
    minutes,
  }),
);
writeFileSync(join(PROJECT_ROOT, 'models', `${NAME}.eval.json`), `${JSON.stringify({ test }, null, 2)}\n`);
log(`done in ${minutes.toFixed(1)} min`);
