/**
 * `npm run train:ppe-vest`: hi-vis vest (`vest`) vs none (`no_vest`) for each detected person.
 * Person crops are taken the way the runtime takes them (YOLOX-Nano person boxes matched to the
 * labelled torso boxes), embedded by the frozen Intel person re-id model, and a small head is trained.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import type { LabelledImage } from '../src/cli/commands/eval-data.ts';
import {
  chooseWholeAspect,
  cropRates,
  personForTorso,
  torsoPairs,
  type CropRates,
  type TorsoPair,
} from '../src/cli/commands/eval-crops.ts';
import { evaluate, formatReport } from '../src/cli/commands/eval-run.ts';
import { PROJECT_ROOT, type ModelEntry } from '../src/vision/detect/manifest.ts';
import { DetectionPipeline } from '../src/vision/detect/pipeline.ts';
import { CROP_H, CROP_W, personCrop, type TorsoMap } from '../src/vision/detect/plugins/ppe-vest.ts';
import type { Box, Detection } from '../src/vision/detect/types.ts';
import { augment, loadRgb, type Img } from './data/augment.ts';
import { safetyVest } from './datasets.ts';
import { makeRng } from './head/rng.ts';
import { upsertManifest } from './head/finish.ts';
import { measureLoso } from './cards/loso.ts';
import { vestCard } from './cards/vest.ts';
import { writeCard } from './cards/write.ts';
import {
  colourFeatures,
  exportVest,
  l2normalise,
  predict,
  REID_DEFAULT,
  REID_SHA,
  reidFile,
  trainBinary,
  TORSO_ROWS,
  VEST_OUTPUT,
} from './vest/classifier.ts';
import { cueCount, toneCues, VEST_CUES } from './vest/cues.ts';
import { halveReid } from './vest/reid-half.ts';
import { decodeModel, encodeModel } from '../src/vision/detect/onnx/onnx-model.ts';

const NAME = 'ppe-vest';
const log = (m: string): void => console.log(m);
const t0 = Date.now();
// JH_SEED: other seeds, to read the run-to-run spread of a variant (card)
const rng = makeRng(Number(process.env.JH_SEED ?? 20261124));

const sv = await safetyVest();
const limit = Number(process.env.JH_LIMIT ?? Infinity);
const sets = { train: sv.train.slice(0, limit), val: sv.val.slice(0, limit), test: sv.test };
const persons = await DetectionPipeline.create({
  models: ['yolox-nano-coco'],
  modelsDir: '../shared/models',
  threads: 1,
});
const cache = new Map<string, Detection[]>();
async function peopleIn(file: string, img: Img): Promise<Detection[]> {
  const got = cache.get(file) ?? (await persons.detect(img)).filter((d) => d.label === 'person');
  cache.set(file, got);
  return got;
}

/** Each labelled torso with the detected person that holds it (shared with `jianhu eval`). */
const pairs = (images: LabelledImage[]): Promise<TorsoPair[]> =>
  torsoPairs(images, async (file) => peopleIn(file, await loadRgb(file)));

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
const trainPairs = await pairs(sets.train);
const matched = trainPairs.filter((p) => p.person);
/** Torso coordinate k as a fraction of the person box. */
const rel = (p: TorsoPair, k: number): number => {
  const b = p.person as Box;
  return k % 2 === 0
    ? ((p.torso[k] as number) - b[0]) / (b[2] - b[0])
    : ((p.torso[k] as number) - b[1]) / (b[3] - b[1]);
};
const torso = [0, 1, 2, 3].map((k) => median(matched.map((p) => rel(p, k)))) as TorsoMap;
log(
  `train torsos ${trainPairs.length} (${matched.length} matched to a detected person); torso map ${torso.map((v) => v.toFixed(3)).join(', ')}`,
);
const boxOf = (p: TorsoPair): Box => p.person ?? personForTorso(p.torso, torso);

/** which re-id embedder (classifier.ts REID_SHA): 0248 shipped; JH_REID=0288 for the comparison in the card */
const EMBEDDER = process.env.JH_REID ?? REID_DEFAULT;
const REID_EXPECTED = REID_SHA[EMBEDDER];
if (!REID_EXPECTED)
  throw new Error(`JH_REID=${EMBEDDER}: expected one of ${Object.keys(REID_SHA).join(', ')}`);
const REID = reidFile(EMBEDDER);
const reidBytes = readFileSync(REID);
if (createHash('sha256').update(reidBytes).digest('hex') !== REID_EXPECTED)
  throw new Error(`${REID}: sha256 mismatch`);
/** the embedder at half resolution (vest/reid-half.ts): about half the cost per crop */
const HALF = process.env.JH_REID_HALF === '1';
const reidModel = decodeModel(reidBytes);
if (HALF) halveReid(reidModel);
const reid = await ort.InferenceSession.create(encodeModel(reidModel), { intraOpNumThreads: 1 });
async function embed(img: Img, box: Box): Promise<Float32Array | null> {
  const crop = await personCrop(img, box);
  if (!crop) return null;
  const out = await reid.run({ 'inputs:0': new ort.Tensor('float32', crop, [1, CROP_H, CROP_W, 3]) });
  const emb = l2normalise(out['Identity:0']?.data as Float32Array);
  return Float32Array.from([...emb, ...colourFeatures(crop), ...toneCues(crop, VEST_CUES, TORSO_ROWS[0])]);
}

async function features(
  ps: TorsoPair[],
  copies: number,
  what: string,
): Promise<{ x: Float32Array[]; y: number[] }> {
  const x: Float32Array[] = [];
  const y: number[] = [];
  const byFile = new Map<string, TorsoPair[]>();
  for (const p of ps) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  let n = 0;
  for (const [file, list] of byFile) {
    const img = await loadRgb(file);
    for (const p of list) {
      const e = await embed(img, boxOf(p));
      if (e) {
        x.push(e);
        y.push(p.y);
      }
    }
    for (let c = 0; c < copies; c++) {
      const a = await augment(
        img,
        list.map((p, i) => ({ cls: i, box: [...boxOf(p)] as Box })),
        rng,
      );
      for (const b of a.boxes) {
        const e = await embed(a.img, b.box);
        if (e) {
          x.push(e);
          y.push((list[b.cls] as TorsoPair).y);
        }
      }
    }
    if (++n % 100 === 0) log(`  ${what}: ${n}/${byFile.size} images, ${x.length} crops`);
  }
  return { x, y };
}

const tF = Date.now();
const tr = await features(trainPairs, 1, 'train');
const valPairs = await pairs(sets.val);
// a short person box is a person cut off below: the torso goes on an assumed whole height (people.ts
// torsoOfPerson); how tall, chosen on validation by how many labelled torsos the estimate finds
const aspectGrid = [0, 1.6, 1.8, 2, 2.2, 2.4, 2.6, 2.8, 3, 3.2, 3.4, 3.6];
const whole = chooseWholeAspect(valPairs, torso, aspectGrid);
log(
  `torso estimate, val torsos found at IoU ≥ 0.5: ${whole.tried.map((t) => `${t.wholeAspect} → ${t.hitRate.toFixed(3)}`).join(', ')}; wholeAspect ${whole.wholeAspect}`,
);
const va = await features(valPairs, 0, 'val');
log(
  `crops: train ${tr.x.length} (${tr.y.filter((v) => v === 1).length} vest), val ${va.x.length}; ${((Date.now() - tF) / 1000).toFixed(0)} s`,
);
const tT = Date.now();
const mlp = trainBinary(tr.x, tr.y, { hidden: 32, epochs: 40, lr: 3e-3, weightDecay: 1e-4, rng });
const trainSeconds = (Date.now() - tT) / 1000;

const rates = (x: Float32Array[], y: number[], thr: number): CropRates =>
  cropRates(
    x.map((v, i) => ({ y: y[i] as number, p: predict(mlp, v), detected: false })),
    thr,
  );
// threshold: best balanced accuracy on validation (plain accuracy would favour the majority no_vest)
let thr = 0.5;
for (let t = 0.05; t < 0.96; t += 0.01)
  if (rates(va.x, va.y, t).bal > rates(va.x, va.y, thr).bal) thr = Math.round(t * 100) / 100;
const valR = rates(va.x, va.y, thr);
log(`threshold ${thr}: val accuracy ${valR.acc.toFixed(3)}, balanced ${valR.bal.toFixed(3)}`);

const bytes = exportVest(mlp, REID, { name: NAME, trainedBy: `npm run train:${NAME}` }, VEST_CUES, HALF);
writeFileSync(join(PROJECT_ROOT, 'models', `${NAME}.onnx`), bytes);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const check = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
const probe = await loadRgb(sets.val[0]?.file ?? sets.train[0]!.file);
const probeBox: Box = [0, 0, probe.width, probe.height];
const pc = (await personCrop(probe, probeBox)) as Float32Array;
const onnxP = (
  (await check.run({ 'inputs:0': new ort.Tensor('float32', pc, [1, CROP_H, CROP_W, 3]) }))[VEST_OUTPUT]
    ?.data as Float32Array
)[0] as number;
const diff = Math.abs(onnxP - predict(mlp, (await embed(probe, probeBox)) as Float32Array));
log(`exported ONNX vs trainer: |difference| ${diff.toExponential(2)}`);
if (!(diff < 1e-4)) throw new Error('exported vest model disagrees with the trainer');

const testPairs = await pairs(sets.test);
const te = await features(testPairs, 0, 'test');
const testMatched = testPairs.filter((p) => p.person).length;
const testR = { ...rates(te.x, te.y, thr), fromDetected: testMatched };
log(
  `test torso crops ${te.x.length} (${testMatched} from detected persons): accuracy ${testR.acc.toFixed(3)}, balanced ${testR.bal.toFixed(3)}, vest recall ${testR.tpr.toFixed(3)}, no_vest recall ${testR.tnr.toFixed(3)}`,
);

const entry: ModelEntry = {
  name: NAME,
  plugin: 'own-vest-classifier',
  stage: 2,
  defaultPipeline: true,
  location: 'project',
  file: `${NAME}.onnx`,
  bytes: bytes.length,
  sha256,
  licence: `Apache-2.0 (embedder: Intel OMZ person-reidentification-retail-${EMBEDDER}); head trained by jianhu`,
  source: `jianhu training/train-vest.ts (frozen person re-id embedder + trained head); see models/${NAME}.card.md`,
  trainedBy: `npm run train:${NAME}`,
  input: {
    name: 'inputs:0',
    layout: 'NHWC',
    width: CROP_W,
    height: CROP_H,
    channels: 'BGR',
    scale: 1,
    mean: [0, 0, 0],
    std: [1, 1, 1],
    resize: 'stretch',
    pad: 0,
  },
  output: { name: VEST_OUTPUT, decoder: 'binary', shape: [1, 1] },
  classes: { '0': 'no_vest', '1': 'vest' } as unknown as ModelEntry['classes'],
  thresholds: {
    score: thr,
    perClass: { vest: thr, no_vest: Math.round((1 - thr) * 100) / 100 },
  } as ModelEntry['thresholds'],
  options: {
    torso: torso.map((v) => Math.round(v * 1000) / 1000),
    wholeAspect: whole.wholeAspect,
    minPersonScore: 0.3,
    maxCrops: 8,
    cropLabels: ['person'],
    // on a camera's next frames a person who barely moved keeps this answer for up to 2 s
    reuseMs: 2000,
    reuseIou: 0.5,
  },
};
upsertManifest(entry);
await reid.release();
await check.release();
await persons.close();
// boxes through the whole pipeline (person detector → vest classifier), as `npm run eval` runs it
const pipe = await DetectionPipeline.create({
  models: ['yolox-nano-coco', NAME],
  modelsDir: '../shared/models',
  threads: 1,
});
const report = await evaluate(sets.test, async (f) => pipe.detect(await loadRgb(f)), {
  labels: ['vest', 'no_vest'],
  thresholds: { vest: thr, no_vest: 1 - thr },
});
await pipe.close();
log(`--- safety-vest-v4 test, whole pipeline\n${formatReport(report)}`);
writeFileSync(
  join(PROJECT_ROOT, 'models', `${NAME}.eval.json`),
  `${JSON.stringify({ crops: testR, test: report }, null, 2)}\n`,
);
// the card leads with the held-out source: measured now, on the file just shipped (models/ppe-vest.loso.json)
const [loso] = await measureLoso([NAME], 'npm run train:ppe-vest', log);
const minutes = (Date.now() - t0) / 60000;
await writeCard(
  NAME,
  vestCard({
    bytes: bytes.length,
    sha256,
    thr,
    torso,
    whole,
    valR,
    test: { crops: testR, test: report },
    loso: loso!,
    counts: {
      trainPairs: trainPairs.length,
      matched: matched.length,
      trainCrops: tr.x.length,
      valCrops: va.x.length,
      valMatched: valPairs.filter((p) => p.person).length,
      trainImgs: sets.train.length,
      valImgs: sets.val.length,
      testImgs: sets.test.length,
    },
    trainSeconds,
    minutes,
    inputs: mlp.dim,
    cues: cueCount(VEST_CUES),
    embedder: EMBEDDER,
  }),
);
log(`done in ${minutes.toFixed(1)} min`);
