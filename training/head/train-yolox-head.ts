/**
 * Trains one of our YOLOX-layout heads: frozen YOLOX-Nano features are computed once per (augmented)
 * training image, grid cells are labelled (assign.ts), the per-cell MLP is trained, exported onto the
 * YOLOX graph, and per-class thresholds are chosen on the validation split (best F1).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import type { LabelledImage } from '../../src/cli/commands/eval-data.ts';
import { PROJECT_ROOT, type ModelEntry } from '../../src/vision/detect/manifest.ts';
import { letterboxBgr } from '../../src/vision/detect/plugins/ppe-yolox-head.ts';
import type { Label } from '../../src/vision/detect/types.ts';
import { augment, loadRgb, type AugBox, type Img } from '../data/augment.ts';
import { encodeModel, floatOutput } from '../../src/vision/detect/onnx/onnx-model.ts';
import {
  FEATURE_DIM,
  featureModel,
  INPUT_SIZE,
  LEVEL_COCO,
  LEVEL_TENSORS,
  STRIDES,
  YOLOX_FILE,
  YOLOX_SHA256,
} from '../onnx/yolox-features.ts';
import { assignLevel, boxTarget, IGNORE, NEGATIVE, type LevelRange } from './assign.ts';
import { addColourNodes, colourDim, colourTensor, exportHead, type ColourSpec } from './export.ts';
import {
  forward,
  initMlp,
  loss,
  SampleBuilder,
  standardise,
  train,
  type Mlp,
  type SampleSet,
} from './mlp.ts';
import { makeRng, type Rng } from './rng.ts';

export interface HeadJob {
  name: string;
  labels: Label[];
  train: LabelledImage[];
  val: LabelledImage[];
  /** augmented copies per training image (the original is always used too) */
  augCopies: number | ((img: LabelledImage) => number);
  levels: LevelRange[];
  /** fraction of negative cells sampled per level */
  negRates: number[];
  /** at most this many "looks like a person to COCO" negative cells per image (hard negatives) */
  hardNegMax: number;
  hidden: number;
  epochs: number;
  negWeight: number;
  /**
   * Weight each sampled negative by 1 / its sampling rate, so the head sees the true share of
   * background (needed when the decision is a max over all cells of a frame, as for fire), and
   * sample frames without any object `emptyFrameBoost` times more densely.
   */
  importanceWeights?: boolean;
  emptyFrameBoost?: number;
  /**
   * Explicit colour features appended to the 128 YOLOX values of each cell (export.ts `ColourSpec`),
   * computed by the same ONNX nodes in training as in the exported graph. Off when absent.
   */
  colour?: ColourSpec;
  /** objectness target of a positive = IoU of its predicted box (mlp.ts `quality`) */
  qualityObjectness?: boolean;
  /** weight of the IoU box loss added to L1 (mlp.ts `iouWeight`) */
  iouLoss?: number;
  /** centre-sampling radius in strides (assign.ts) */
  radius?: number;
  seed: number;
  log: (msg: string) => void;
}

export interface HeadResult {
  file: string;
  sha256: string;
  bytes: number;
  mlp: Mlp;
  colour?: ColourSpec;
  trainSamples: { cells: number; positives: number; images: number };
  seconds: { features: number; training: number };
  valLoss: number;
}

export function checkYolox(): void {
  const sha = createHash('sha256')
    .update(readFileSync(join(PROJECT_ROOT, YOLOX_FILE)))
    .digest('hex');
  if (sha !== YOLOX_SHA256) throw new Error(`${YOLOX_FILE}: sha256 ${sha}, expected ${YOLOX_SHA256}`);
}

function toBoxes(img: LabelledImage, labels: Label[]): AugBox[] {
  return img.gts
    .filter((g) => labels.includes(g.label))
    .map((g) => ({ cls: labels.indexOf(g.label), box: [...g.box] as [number, number, number, number] }));
}

async function extract(
  session: ort.InferenceSession,
  img: Img,
  boxes: AugBox[],
  job: HeadJob,
  rng: Rng,
  out: SampleBuilder,
): Promise<void> {
  const { tensor, scale } = await letterboxBgr(img, INPUT_SIZE);
  const res = await session.run({
    images: new ort.Tensor('float32', tensor, [1, 3, INPUT_SIZE, INPUT_SIZE]),
  });
  const gts = boxes.map((b) => ({
    cls: b.cls,
    box: b.box.map((v) => v * scale) as [number, number, number, number],
  }));
  job.levels.forEach((level, l) => {
    const grid = INPUT_SIZE / level.stride;
    const plane = grid * grid;
    const [cn, rn] = LEVEL_TENSORS[l] as [string, string];
    const cf = res[cn]?.data as Float32Array;
    const rf = res[rn]?.data as Float32Array;
    const coco = res[LEVEL_COCO[l] as string]?.data as Float32Array;
    const half = FEATURE_DIM / 2;
    const col = job.colour ? (res[colourTensor(l)]?.data as Float32Array) : undefined;
    const feat = (i: number) => (c: number) =>
      c < half
        ? (cf[c * plane + i] as number)
        : c < FEATURE_DIM
          ? (rf[(c - half) * plane + i] as number)
          : ((col as Float32Array)[(c - FEATURE_DIM) * plane + i] as number);
    const assign = assignLevel(gts, grid, level, job.radius);
    const hard: number[] = [];
    const boost = gts.length === 0 ? (job.emptyFrameBoost ?? 1) : 1;
    const rate = Math.min(1, (job.negRates[l] as number) * boost);
    const negW = job.importanceWeights ? 1 / rate : 1;
    for (let i = 0; i < plane; i++) {
      const a = assign[i] as number;
      if (a === IGNORE) continue;
      if (a === NEGATIVE) {
        const personness = (coco[4 * plane + i] as number) * (coco[5 * plane + i] as number);
        if (personness > 0.05) hard.push(i);
        else if (rng() < rate) out.push(feat(i), 0, -1, undefined, negW);
        continue;
      }
      const gx = i % grid;
      const gy = Math.floor(i / grid);
      const g = gts[a] as AugBox;
      out.push(feat(i), 1, g.cls, boxTarget(g.box, gx, gy, level.stride));
    }
    for (let k = 0; k < job.hardNegMax && hard.length > 0; k++) {
      const j = Math.floor(rng() * hard.length);
      out.push(feat(hard[j] as number), 0, -1);
      hard.splice(j, 1);
    }
  });
}

async function buildSamples(
  session: ort.InferenceSession,
  images: LabelledImage[],
  copies: number | ((img: LabelledImage) => number),
  job: HeadJob,
  rng: Rng,
  what: string,
): Promise<{ set: SampleSet; images: number }> {
  const b = new SampleBuilder(FEATURE_DIM + colourDim(job.colour));
  let n = 0;
  const t0 = Date.now();
  for (const [k, li] of images.entries()) {
    const img = await loadRgb(li.file);
    const boxes = toBoxes(li, job.labels);
    await extract(session, img, boxes, job, rng, b);
    n++;
    const nCopies = typeof copies === 'number' ? copies : copies(li);
    for (let c = 0; c < nCopies; c++) {
      const a = await augment(img, boxes, rng);
      await extract(session, a.img, a.boxes, job, rng, b);
      n++;
    }
    if ((k + 1) % 50 === 0 || k + 1 === images.length)
      job.log(
        `  ${what}: ${k + 1}/${images.length} images, ${b.n} cells (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
      );
  }
  return { set: b.build(), images: n };
}

export async function trainYoloxHead(job: HeadJob): Promise<HeadResult> {
  checkYolox();
  const rng = makeRng(job.seed);
  const dim = FEATURE_DIM + colourDim(job.colour);
  const session = await ort.InferenceSession.create(encodeModel(featureGraph(job.colour)), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const t0 = Date.now();
  job.log(
    `[${job.name}] features: ${job.train.length} training images (+ augmented copies), ${job.val.length} validation images`,
  );
  const tr = await buildSamples(session, job.train, job.augCopies, job, rng, 'train');
  const va = await buildSamples(session, job.val, 0, job, rng, 'val');
  const tFeat = (Date.now() - t0) / 1000;
  let positives = 0;
  for (let i = 0; i < tr.set.n; i++) positives += tr.set.obj[i] as number;
  job.log(
    `[${job.name}] ${tr.set.n} cells (${positives} positive) in ${tFeat.toFixed(0)} s; training MLP ${dim}→${job.hidden}→${5 + job.labels.length}`,
  );
  const mlp = initMlp(dim, job.hidden, 5 + job.labels.length, rng);
  standardise(mlp, tr.set);
  const lossOpts = {
    negWeight: job.negWeight,
    boxWeight: 1,
    quality: job.qualityObjectness === true,
    iouWeight: job.iouLoss ?? 0,
  };
  const t1 = Date.now();
  train(
    mlp,
    tr.set,
    { epochs: job.epochs, batch: 256, lr: 2e-3, weightDecay: 1e-4, ...lossOpts, rng, log: job.log },
    (e) => {
      if ((e + 1) % 4 === 0 || e + 1 === job.epochs)
        job.log(`  val loss ${loss(mlp, va.set, lossOpts).toFixed(4)}`);
    },
  );
  const tTrain = (Date.now() - t1) / 1000;
  const valLoss = loss(mlp, va.set, lossOpts);
  const bytes = exportHead(
    mlp,
    {
      name: job.name,
      labels: job.labels.join(','),
      trainedBy: `npm run train:${job.name}`,
      ...(job.colour ? { colour: JSON.stringify(job.colour) } : {}),
    },
    YOLOX_FILE,
    job.colour,
  );
  const file = join(PROJECT_ROOT, 'models', `${job.name}.onnx`);
  writeFileSync(file, bytes);
  // the first validation image and two training images (one of them augmented, as trained on)
  const check: Img[] = [];
  for (const li of [job.val[0], job.train[0], job.train[job.train.length - 1]])
    if (li) check.push(await loadRgb(li.file));
  if (job.train[0]) {
    const li = job.train[0];
    check.push((await augment(await loadRgb(li.file), toBoxes(li, job.labels), makeRng(job.seed + 1))).img);
  }
  let diff = 0;
  for (const img of check) diff = Math.max(diff, await parity(session, bytes, mlp, img, job.colour));
  await session.release();
  job.log(
    `[${job.name}] exported ONNX vs trainer: max |difference| ${diff.toExponential(2)} over ${check.length} images`,
  );
  if (!(diff < 1e-3)) throw new Error(`exported model disagrees with the trainer (${diff})`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  job.log(`[${job.name}] wrote ${file} (${bytes.length} bytes, sha256 ${sha256})`);
  return {
    file,
    sha256,
    bytes: bytes.length,
    mlp,
    ...(job.colour ? { colour: job.colour } : {}),
    trainSamples: { cells: tr.set.n, positives, images: tr.images },
    seconds: { features: tFeat, training: tTrain },
    valLoss,
  };
}

/** YOLOX-Nano pruned at its head features (+ the colour-feature nodes of the exported graph). */
export function featureGraph(colour?: ColourSpec): ReturnType<typeof featureModel> {
  const m = featureModel(join(PROJECT_ROOT, YOLOX_FILE));
  if (colour) {
    addColourNodes(m.graph, colour);
    m.graph.output.push(...STRIDES.map((_, l) => floatOutput(colourTensor(l), 4)));
  }
  return m;
}

/**
 * Largest difference between the exported ONNX model and the TypeScript forward pass on the
 * trainer's features (all cells of one image).
 */
export async function parity(
  features: ort.InferenceSession,
  onnx: Buffer,
  mlp: Mlp,
  img: Img,
  colour?: ColourSpec,
): Promise<number> {
  const { tensor } = await letterboxBgr(img, INPUT_SIZE);
  const x = { images: new ort.Tensor('float32', tensor, [1, 3, INPUT_SIZE, INPUT_SIZE]) };
  const f = await features.run(x);
  const s = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
  const out = (await s.run(x)).output?.data as Float32Array;
  await s.release();
  const h = new Float32Array(mlp.hidden);
  const z = new Float32Array(mlp.out);
  const xs = new Float32Array(mlp.dim);
  const v = new Float32Array(mlp.dim);
  let row = 0;
  let max = 0;
  const extra = colourDim(colour);
  LEVEL_TENSORS.forEach(([cn, rn], l) => {
    const cf = f[cn]?.data as Float32Array;
    const rf = f[rn]?.data as Float32Array;
    const col = colour ? (f[colourTensor(l)]?.data as Float32Array) : undefined;
    const plane = cf.length / 64;
    for (let i = 0; i < plane; i++, row++) {
      for (let c = 0; c < 64; c++) {
        v[c] = cf[c * plane + i] as number;
        v[64 + c] = rf[c * plane + i] as number;
      }
      for (let c = 0; c < extra; c++) v[FEATURE_DIM + c] = (col as Float32Array)[c * plane + i] as number;
      forward(mlp, v, 0, h, z, xs);
      for (let k = 0; k < mlp.out; k++) {
        const want = k < 4 ? (z[k] as number) : 1 / (1 + Math.exp(-(z[k] as number)));
        max = Math.max(max, Math.abs(want - (out[row * mlp.out + k] as number)));
      }
    }
  });
  return max;
}

/** A manifest entry for one of our YOLOX-layout heads. */
export function headEntry(
  name: string,
  labels: Label[],
  sha256: string,
  bytes: number,
  extra: Partial<ModelEntry>,
): ModelEntry {
  return {
    name,
    plugin: 'own-yolox-head',
    stage: 1,
    defaultPipeline: true,
    location: 'project',
    file: `${name}.onnx`,
    bytes,
    sha256,
    licence: 'Apache-2.0 (backbone: Megvii YOLOX-Nano); head trained by jianhu',
    source: `jianhu training/ (YOLOX-Nano COCO backbone frozen, per-cell MLP head); see models/${name}.card.md`,
    trainedBy: `npm run train:${name}`,
    input: {
      name: 'images',
      layout: 'NCHW',
      width: INPUT_SIZE,
      height: INPUT_SIZE,
      channels: 'BGR',
      scale: 1,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      resize: 'letterbox-top-left',
      pad: 114,
    },
    output: {
      name: 'output',
      decoder: 'yolox',
      shape: [1, 3549, 5 + labels.length],
      strides: [8, 16, 32],
      numClasses: labels.length,
    },
    classes: Object.fromEntries(labels.map((l, i) => [String(i), l])) as ModelEntry['classes'],
    thresholds: { score: 0.3, nms: 0.45 },
    ...extra,
    // fed at the letterboxed content's size, and run merged with YOLOX-Nano on one backbone pass
    // (src/vision/detect/README.md "Shared backbone")
    options: { ...extra.options, fitInput: true, sharedBackbone: 'yolox-nano-coco' },
  };
}
