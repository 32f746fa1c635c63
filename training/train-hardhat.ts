/**
 * `npm run train:ppe-hardhat:frozen`: hard hat (`helmet`) vs bare head (`head`) boxes on heads, on the CPU
 * alone. YOLOX-Nano COCO backbone frozen; a per-cell MLP head trained here (training/head/). The shipped
 * model is the fine-tuned one (`npm run train:ppe-hardhat`, training/gpu/); this trainer stays for
 * machines without PyTorch, and its model is weaker (models/ppe-hardhat.card.md).
 */
import { measureLoso } from './cards/loso.ts';
import { writeCard } from './cards/write.ts';
import { colourFromEnv } from './head/export.ts';
import {
  finishHardhat,
  hardhatBoxes,
  hardhatCounts,
  hardhatSplits,
  HARDHAT_LABELS,
  HARDHAT_NAME,
} from './head/finish-hardhat.ts';
import { trainYoloxHead } from './head/train-yolox-head.ts';
import { hardhatCard } from './cards/hardhat.ts';

/**
 * Extra per-cell features, computed in the graph (export.ts ColourSpec): mean B, G, R and chroma over the
 * cell and over the cell just above (COCO's features may not keep what tells a hard hat from hair), and
 * YOLOX's classification values of the cells one row above and below (vertical context: hat top above,
 * face and shoulders below). Each chosen on validation (card). JH_COLOUR=none trains without them;
 * JH_COLOUR='{"context":[1,2],"above":[1],"neighbours":[1,-1,2,-2]}' tries others.
 */
const COLOUR = colourFromEnv({ context: [1], above: [1], neighbours: [1, -1] });
const log = (m: string): void => console.log(m);

const t0 = Date.now();
const splits = await hardhatSplits();
const { hTrain, hVal, hTest, sv } = splits;
// JH_LIMIT=N trains on the first N images of each list (a smoke run of the script, not a model)
const limit = Number(process.env.JH_LIMIT ?? Infinity);
const train = hardhatBoxes([...hTrain.slice(0, limit), ...sv.train.slice(0, limit)]);
const val = hardhatBoxes([...hVal, ...sv.val].slice(0, limit));
const svFiles = new Set(sv.train.map((i) => i.file));
log(
  `hard-hat-workers train ${hTrain.length} / val ${hVal.length} / test ${hTest.length}; safety-vest-v4 train ${sv.train.length} / val ${sv.val.length} / test ${sv.test.length}`,
);

const res = await trainYoloxHead({
  name: HARDHAT_NAME,
  labels: HARDHAT_LABELS,
  train,
  val,
  // safety-vest-v4's train/ already holds 3 augmented copies of each photo
  augCopies: (img) => (svFiles.has(img.file) ? 0 : 2),
  levels: [
    { stride: 8, min: 0, max: 48 },
    { stride: 16, min: 24, max: 112 },
    { stride: 32, min: 80, max: 1e9 },
  ],
  negRates: [0.05, 0.1, 0.2],
  hardNegMax: 40,
  hidden: Number(process.env.JH_HIDDEN ?? 48),
  // a positive's objectness learns the IoU its box reaches (chosen on validation, card); JH_QUALITY=0 off
  qualityObjectness: process.env.JH_QUALITY !== '0',
  // experiment knobs the card's variant table names; defaults are the shipped model's
  iouLoss: Number(process.env.JH_IOU_LOSS ?? 0),
  radius: Number(process.env.JH_RADIUS ?? 2.5),
  epochs: Number(process.env.JH_EPOCHS ?? 10),
  negWeight: 1,
  // train against the true share of background cells (sampled negatives weighted 1 / rate)
  importanceWeights: true,
  ...(COLOUR ? { colour: COLOUR } : {}),
  // JH_SEED: another seed, to measure run-to-run noise (card); the shipped model uses the default
  seed: Number(process.env.JH_SEED ?? 20261122),
  log,
});

const { thresholds, valF1, testH, testS } = await finishHardhat(
  res,
  { trainedBy: `npm run train:${HARDHAT_NAME}:frozen` },
  val,
  splits,
  log,
);
// the card leads with the held-out source: measured now, on the file just shipped (models/ppe-hardhat.loso.json)
const [loso] = await measureLoso([HARDHAT_NAME], `npm run train:${HARDHAT_NAME}:frozen`, log);
const minutes = (Date.now() - t0) / 60000;
await writeCard(
  HARDHAT_NAME,
  hardhatCard({
    res,
    thresholds,
    valF1,
    counts: hardhatCounts(splits),
    test: { hhw: testH, sv: testS },
    loso: loso!,
    minutes,
  }),
);
log(`done in ${minutes.toFixed(1)} min`);
