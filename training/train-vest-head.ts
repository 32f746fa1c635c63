/**
 * `npm run train:ppe-vest-head`: hi-vis vest (`vest`) vs none (`no_vest`) boxes on torsos, as a head on
 * YOLOX-Nano's frozen COCO backbone (training/head/), so the vest costs one pass per frame whatever the
 * number of people (issue #25) instead of one crop per person (ppe-vest). An experiment, opt-in
 * (`defaultPipeline: false`): models/ppe-vest-head.card.md sets it beside the crop classifier.
 * Data: safety-vest-v4's torso boxes only (colete_refletivo → vest, sem_colete_refletivo → no_vest), split
 * by source photo (training/datasets.ts safetyVest); construction-site-safety is never read here.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelledImage } from '../src/cli/commands/eval-data.ts';
import { PROJECT_ROOT, type ModelEntry } from '../src/vision/detect/manifest.ts';
import type { Label } from '../src/vision/detect/types.ts';
import { safetyVest } from './datasets.ts';
import { colourFromEnv } from './head/export.ts';
import { chooseThresholds, lowThresholdDetector, testReport, upsertManifest } from './head/finish.ts';
import { headEntry, trainYoloxHead } from './head/train-yolox-head.ts';

const NAME = 'ppe-vest-head';
const LABELS: Label[] = ['vest', 'no_vest'];
/**
 * Colour per grid cell (export.ts ColourSpec), as the hard-hat head has them: mean B, G, R and chroma over
 * the cell and the cell above (hi-vis is a colour cue COCO's features may not keep), and YOLOX's
 * classification values one row above and below (head above, legs below). Chosen on validation F1 over
 * `{"context":[1,3],…}` (a 3×3-cell window too): vest 0.275 / no_vest 0.567 against 0.385 / 0.598; it also
 * cost +12.8 ms per frame against +1.3–3.4 (wide AveragePool windows are dear; card).
 * JH_COLOUR=none or another spec as JSON tries others.
 */
const COLOUR = colourFromEnv({ context: [1], above: [1], neighbours: [1, -1] });
const log = (m: string): void => console.log(m);

const t0 = Date.now();
const sv = await safetyVest();
const torsos = (imgs: readonly LabelledImage[]): LabelledImage[] =>
  imgs.map((i) => ({ ...i, gts: i.gts.filter((g) => LABELS.includes(g.label)) }));
// JH_LIMIT=N trains on the first N images of each list (a smoke run of the script, not a model)
const limit = Number(process.env.JH_LIMIT ?? Infinity);
const train = torsos(sv.train.slice(0, limit));
const val = torsos(sv.val.slice(0, limit));
log(
  `safety-vest-v4 by source photo: train ${sv.train.length} / val ${sv.val.length} / test ${sv.test.length}`,
);

const res = await trainYoloxHead({
  name: NAME,
  labels: LABELS,
  train,
  val,
  // train/ already holds 3 augmented copies of each source photo; one more copy each (colour, scale,
  // flip) because only ~300 photos of one source are all there is
  augCopies: 1,
  // torsos are larger than heads: at 416 px they run from ~20 px (far) to the whole frame
  levels: [
    { stride: 8, min: 0, max: 64 },
    { stride: 16, min: 40, max: 160 },
    { stride: 32, min: 112, max: 1e9 },
  ],
  negRates: [0.05, 0.1, 0.2],
  hardNegMax: 20,
  hidden: Number(process.env.JH_HIDDEN ?? 48),
  qualityObjectness: true,
  epochs: Number(process.env.JH_EPOCHS ?? 12),
  negWeight: 1,
  importanceWeights: true,
  ...(COLOUR ? { colour: COLOUR } : {}),
  seed: Number(process.env.JH_SEED ?? 20261207),
  log,
});

// a vest belongs to a person: merged, the head runs only on frames where YOLOX-Nano found one
const make = (thresholds: ModelEntry['thresholds']): ModelEntry => ({
  ...headEntry(NAME, LABELS, res.sha256, res.bytes, { thresholds, options: { runWhen: ['person'] } }),
  defaultPipeline: false,
});
const low = await lowThresholdDetector(make({ score: 0.3, nms: 0.45 }));
const { thresholds, valF1 } = await chooseThresholds(low, val, LABELS);
log(`thresholds (best F1 on validation): ${JSON.stringify(thresholds)} F1 ${JSON.stringify(valF1)}`);
upsertManifest(
  make({
    score: Math.min(...Object.values(thresholds)),
    nms: 0.45,
    perClass: thresholds,
  } as ModelEntry['thresholds']),
);
const test = await testReport(
  low,
  'safety-vest-v4 test (in-source)',
  torsos(sv.test),
  { labels: LABELS, thresholds },
  log,
);
writeFileSync(
  join(PROJECT_ROOT, 'models', `${NAME}.eval.json`),
  `${JSON.stringify({ thresholds, valF1, sv: test, trainSamples: res.trainSamples, seconds: res.seconds }, null, 2)}\n`,
);
log(`done in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
