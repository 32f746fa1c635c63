/**
 * `npm run train:fire-smoke`: `fire` and `smoke` boxes on CCTV frames plus a frame-level decision
 * (any fire/smoke box ≥ the frame threshold). YOLOX-Nano COCO backbone frozen; per-cell MLP head.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../src/vision/detect/manifest.ts';
import { fireCard } from './cards/fire.ts';
import { writeCard } from './cards/write.ts';
import { colourFromEnv } from './head/export.ts';
import {
  finishFire,
  fireSplitCounts,
  fireSplits,
  FIRE_LABELS as LABELS,
  FIRE_NAME as NAME,
  FIRE_NEG_PER_SET,
} from './head/finish-fire.ts';
import { trainYoloxHead } from './head/train-yolox-head.ts';

/** Added negative photos per PPE set for training (JH_NEG_PER_SET tries other numbers). */
const NEG_PER_SET = Number(process.env.JH_NEG_PER_SET ?? FIRE_NEG_PER_SET);
/**
 * Colour features per grid cell, as the hard-hat head has them (mean B, G, R and chroma over the cell and
 * the cell above; export.ts ColourSpec): flame and smoke are colours first. Chosen on validation (card).
 * JH_COLOUR=none trains without them; JH_COLOUR='{"context":[1,2],"above":[1]}' tries other windows.
 */
const COLOUR = colourFromEnv({ context: [1], above: [1] });
const log = (m: string): void => console.log(m);

const t0 = Date.now();
const splits = await fireSplits(NEG_PER_SET);
const { split, negs } = splits;
const limit = Number(process.env.JH_LIMIT ?? Infinity);
const extraTrain = [...negs.train.hhw, ...negs.train.sv].slice(0, limit);
const extraVal = [...negs.val.hhw, ...negs.val.sv].slice(0, limit);
const added = new Set([...extraTrain, ...extraVal].map((i) => i.file));
const train = [...split.train.slice(0, limit), ...extraTrain];
const val = [...split.val.slice(0, limit), ...extraVal];
const counts = fireSplitCounts(splits, train, val);
log(
  `fire-smoke-cctv by clip: train ${counts.train} frames / ${counts.trainClips} clips (${counts.trainNeg} negative), ` +
    `val ${counts.val} / ${counts.valClips} (${counts.valNeg} neg), test ${counts.test} / ${counts.testClips} (${counts.testNeg} neg); ` +
    `added negatives: train hard-hat-workers ${counts.addedTrainHhw} + safety-vest-v4 ${counts.addedTrainSv}, ` +
    `val ${counts.addedValHhw} + ${counts.addedValSv}`,
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

const { T, valFrame, valCctv, valFpBySource, valF1, test } = await finishFire(res, {}, val, splits, log);
const minutes = (Date.now() - t0) / 60000;
await writeCard(
  NAME,
  fireCard({
    res,
    T,
    valFrame,
    valCctv,
    valFpBySource,
    valF1,
    split: counts,
    test,
    minutes,
  }),
);
log(`done in ${minutes.toFixed(1)} min`);
