/**
 * `npm run train:ppe-hardhat`: hard hat (`helmet`) vs bare head (`head`) boxes on heads.
 * YOLOX-Nano COCO backbone frozen; a per-cell MLP head trained here (training/head/).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifest, PROJECT_ROOT, type ModelEntry } from '../src/detect/manifest.ts';
import type { Label } from '../src/detect/types.ts';
import { hhw, safetyVest } from './datasets.ts';
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
import { hardhatCard } from './cards.ts';

const NAME = 'ppe-hardhat';
const LABELS: Label[] = ['helmet', 'head'];
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
const [hTrain, hVal, hTest, sv] = await Promise.all([hhw('train'), hhw('val'), hhw('test'), safetyVest()]);
const keep = (imgs: typeof hTrain) =>
  imgs.map((i) => ({ ...i, gts: i.gts.filter((g) => LABELS.includes(g.label)) }));
// JH_LIMIT=N trains on the first N images of each list (a smoke run of the script, not a model)
const limit = Number(process.env.JH_LIMIT ?? Infinity);
const train = keep([...hTrain.slice(0, limit), ...sv.train.slice(0, limit)]);
const val = keep([...hVal, ...sv.val].slice(0, limit));
const svFiles = new Set(sv.train.map((i) => i.file));
log(
  `hard-hat-workers train ${hTrain.length} / val ${hVal.length} / test ${hTest.length}; safety-vest-v4 train ${sv.train.length} / val ${sv.val.length} / test ${sv.test.length}`,
);

const res = await trainYoloxHead({
  name: NAME,
  labels: LABELS,
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

// box voting (ppe-postprocess.ts) is part of the model's decoding: thresholds are chosen with it on
const VOTE = 0.5;
let entry = headEntry(NAME, LABELS, res.sha256, res.bytes, {
  thresholds: { score: 0.3, nms: 0.45, vote: VOTE },
});
const low = await lowThresholdDetector(entry);
const { thresholds, valF1 } = await chooseThresholds(low, val, LABELS);
log(`thresholds (best F1 on validation): ${JSON.stringify(thresholds)} F1 ${JSON.stringify(valF1)}`);
entry = headEntry(NAME, LABELS, res.sha256, res.bytes, {
  thresholds: {
    score: Math.min(...Object.values(thresholds)),
    nms: 0.45,
    vote: VOTE,
    perClass: thresholds,
  } as ModelEntry['thresholds'],
});
const evalOpts = { labels: LABELS, thresholds };
const testH = await testReport(low, 'hard-hat-workers test', keep(hTest), evalOpts, log);
const testS = await testReport(low, 'safety-vest-v4 test', keep(sv.test), evalOpts, log);
upsertManifest(entry);
// the opt-in person-crop pass (ppe-hardhat-crops) runs this same file: keep its checksum and thresholds in step
const crops = loadManifest().models.find((m) => m.name === `${NAME}-crops`);
if (crops) upsertManifest({ ...crops, sha256: res.sha256, bytes: res.bytes, thresholds: entry.thresholds });
const minutes = (Date.now() - t0) / 60000;
writeCard(
  NAME,
  hardhatCard({
    res,
    thresholds,
    valF1,
    counts: {
      hTrain: hTrain.length,
      hVal: hVal.length,
      hTest: hTest.length,
      svTrain: sv.train.length,
      svVal: sv.val.length,
      svTest: sv.test.length,
    },
    tables: { hhw: reportTable(testH), sv: reportTable(testS) },
    ms: testH.msPerImage,
    minutes,
  }),
);
writeFileSync(
  join(PROJECT_ROOT, 'models', `${NAME}.eval.json`),
  `${JSON.stringify({ hhw: testH, sv: testS }, null, 2)}\n`,
);
log(`done in ${minutes.toFixed(1)} min`);
