/**
 * `npm run train:arc`: the `arc` head (welding arc / cutting sparks) on YOLOX-Nano's frozen COCO
 * features, from synthetic composites (arc-data.ts, render-arc.ts), with a frame-level decision (any
 * `arc` box ≥ the frame threshold). Exported with `sharedBackbone: yolox-nano-coco`: in the default
 * pipeline it adds only its colour pooling and a small perceptron to the one merged graph.
 */
import { writeFileSync } from 'node:fs';
import { arcSplit, backgrounds } from './arc-data.ts';
import { ARC_LABELS, ARC_NAME, chooseArcThreshold } from './finish-arc.ts';
import { finishArcTest, LAST_RUN, type ArcRun } from './test-arc.ts';
import { colourFromEnv } from '../head/export.ts';
import { trainYoloxHead } from '../head/train-yolox-head.ts';

/** The synthesis seed (train, validation and test composites use seed, seed + 1, seed + 2). */
const SEED = Number(process.env.JH_ARC_SEED ?? 20261207);
/**
 * Colour per cell: mean B, G, R and chroma of the cell and of the 3×3 and 5×5 cells around it, and the
 * cell's clipped-white share and brightest pixel (`peak`). An arc is a clipped core inside a blue-white
 * glow; means alone scored pale walls and lamps like arcs (card: recipes tried). JH_COLOUR tries others.
 */
const COLOUR = colourFromEnv({ context: [1, 3, 5], above: [], peak: true });
/** Hidden units: small, because the perceptron runs on every cell of every frame (cost: card). */
const HIDDEN = Number(process.env.JH_HIDDEN ?? 16);
const log = (m: string): void => console.log(m);

const t0 = Date.now();
const bgs = await backgrounds();
const train = await arcSplit('train', bgs.train, SEED, log);
const val = await arcSplit('val', bgs.val, SEED + 1, log);
const test = await arcSplit('test', bgs.test, SEED + 2, log);
const count = (l: typeof train) => ({
  frames: l.length,
  composites: l.filter((i) => i.gts.length > 0).length,
  bySource: Object.fromEntries(
    [...new Set(l.map((i) => i.source))].map((s) => [
      s,
      l.filter((i) => i.source === s && i.gts.length === 0).length,
    ]),
  ),
});
const counts = { train: count(train), val: count(val), test: count(test) };
log(`arc data (backgrounds per source): ${JSON.stringify(counts)}`);

const res = await trainYoloxHead({
  name: ARC_NAME,
  labels: ARC_LABELS,
  train,
  val,
  // every composite already has its own random size, exposure, flicker and blur; the generic
  // augmentation (darkening, desaturation) would also un-clip the core, which a camera never does
  augCopies: 0,
  levels: [
    { stride: 8, min: 0, max: 64 },
    { stride: 16, min: 32, max: 160 },
    { stride: 32, min: 96, max: 1e9 },
  ],
  negRates: [0.04, 0.08, 0.16],
  hardNegMax: 4,
  hidden: HIDDEN,
  epochs: Number(process.env.JH_EPOCHS ?? 12),
  negWeight: 1,
  ...(COLOUR ? { colour: COLOUR } : {}),
  // the frame decision is a max over every cell: train against the true share of background
  importanceWeights: true,
  emptyFrameBoost: 3,
  seed: SEED,
  log,
});

const choice = await chooseArcThreshold(res, val, log);
const run: ArcRun = {
  seed: SEED,
  hidden: HIDDEN,
  colour: res.colour ?? null,
  dims: { in: res.mlp.dim, out: res.mlp.out },
  file: { sha256: res.sha256, bytes: res.bytes },
  seconds: res.seconds,
  minutes: (Date.now() - t0) / 60000,
  counts,
  T: choice.T,
  val: choice.val,
};
writeFileSync(LAST_RUN, JSON.stringify(run, null, 2));
// JH_ARC_VAL_ONLY=1: stop here while recipes are compared on validation (the test split is read once,
// for the recipe shipped: `tsx training/arc/test-arc.ts` then finishes it)
if (process.env.JH_ARC_VAL_ONLY !== '1') await finishArcTest(run, test, log);
log(`done in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
