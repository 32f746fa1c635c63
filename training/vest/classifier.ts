/**
 * Binary 2-layer perceptron on L2-normalised person re-id embeddings (256 → hidden → 1, sigmoid),
 * trained with Adam and class-balanced weights; exported onto the re-id ONNX graph.
 */
import {
  attr,
  encodeModel,
  floatOutput,
  floatTensor,
  int64Tensor,
  node,
  readModel,
} from '../../src/vision/detect/onnx/onnx-model.ts';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import { shuffle, type Rng } from '../head/rng.ts';
import { addToneCues, type CueSpec } from './cues.ts';
import { halveReid } from './reid-half.ts';

/**
 * The frozen person re-id embedders (Intel OMZ person-reidentification-retail-*, Apache-2.0) in
 * ../shared/models, by sha256. 0248 is shipped: better on validation than 0288 with every seed tried,
 * and half its cost per crop (ppe-vest card).
 */
export const REID_SHA: Record<string, string> = {
  '0248': '43891ce644ff6f4c70cce150028e44d6cf3d150cb5a3eb75bf69bfaef0ebe789',
  '0288': 'f3966d905e7232026aa8b814c328231a7b45c5b6b4dd32f886894223c4441b80',
};
export const REID_DEFAULT = '0248';

export const reidFile = (version: string): string =>
  join(
    PROJECT_ROOT,
    '..',
    'shared',
    'models',
    'person-reid',
    `person-reidentification-retail-${version}.onnx`,
  );

export interface BinMlp {
  dim: number;
  hidden: number;
  w1: Float32Array; // [hidden][dim]
  b1: Float32Array;
  w2: Float32Array; // [hidden]
  b2: number;
}

export function l2normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  return v.map((x) => x / n);
}

export function predict(m: BinMlp, x: Float32Array): number {
  let z = m.b2;
  for (let j = 0; j < m.hidden; j++) {
    let a = m.b1[j] as number;
    for (let c = 0; c < m.dim; c++) a += (m.w1[j * m.dim + c] as number) * (x[c] as number);
    if (a > 0) z += (m.w2[j] as number) * a;
  }
  return 1 / (1 + Math.exp(-z));
}

export function trainBinary(
  xs: Float32Array[],
  ys: number[],
  o: { hidden: number; epochs: number; lr: number; weightDecay: number; rng: Rng },
): BinMlp {
  const dim = (xs[0] as Float32Array).length;
  const { hidden, rng } = o;
  const m: BinMlp = {
    dim,
    hidden,
    w1: Float32Array.from({ length: hidden * dim }, () => (rng() * 2 - 1) * Math.sqrt(6 / dim)),
    b1: new Float32Array(hidden),
    w2: Float32Array.from({ length: hidden }, () => (rng() * 2 - 1) * Math.sqrt(6 / hidden) * 0.1),
    b2: 0,
  };
  const pos = ys.filter((y) => y === 1).length;
  const wPos = ys.length / (2 * Math.max(1, pos));
  const wNeg = ys.length / (2 * Math.max(1, ys.length - pos));
  const params = [m.w1, m.b1, m.w2];
  const mo = params.map((p) => new Float32Array(p.length));
  const ve = params.map((p) => new Float32Array(p.length));
  const g = params.map((p) => new Float32Array(p.length));
  let mb = 0;
  let vb = 0;
  const h = new Float32Array(hidden);
  const order = xs.map((_, i) => i);
  const batch = 64;
  let step = 0;
  const total = o.epochs * Math.ceil(xs.length / batch);
  for (let e = 0; e < o.epochs; e++) {
    shuffle(order, rng);
    for (let b0 = 0; b0 < order.length; b0 += batch) {
      for (const a of g) a.fill(0);
      let gb = 0;
      let wsum = 0;
      for (let bi = b0; bi < Math.min(order.length, b0 + batch); bi++) {
        const i = order[bi] as number;
        const x = xs[i] as Float32Array;
        const y = ys[i] as number;
        let z = m.b2;
        for (let j = 0; j < hidden; j++) {
          let a = m.b1[j] as number;
          for (let c = 0; c < dim; c++) a += (m.w1[j * dim + c] as number) * (x[c] as number);
          h[j] = a > 0 ? a : 0;
          z += (m.w2[j] as number) * (h[j] as number);
        }
        const w = y === 1 ? wPos : wNeg;
        wsum += w;
        const dz = w * (1 / (1 + Math.exp(-z)) - y);
        gb += dz;
        for (let j = 0; j < hidden; j++) {
          (g[2] as Float32Array)[j] = ((g[2] as Float32Array)[j] as number) + dz * (h[j] as number);
          if ((h[j] as number) <= 0) continue;
          const dh = dz * (m.w2[j] as number);
          (g[1] as Float32Array)[j] = ((g[1] as Float32Array)[j] as number) + dh;
          for (let c = 0; c < dim; c++)
            (g[0] as Float32Array)[j * dim + c] =
              ((g[0] as Float32Array)[j * dim + c] as number) + dh * (x[c] as number);
        }
      }
      step++;
      const lr = o.lr * 0.5 * (1 + Math.cos((Math.PI * step) / total));
      const c1 = 1 - 0.9 ** step;
      const c2 = 1 - 0.999 ** step;
      params.forEach((p, pi) => {
        const gg = g[pi] as Float32Array;
        const mm = mo[pi] as Float32Array;
        const vv = ve[pi] as Float32Array;
        const decay = pi === 1 ? 0 : o.weightDecay;
        for (let k = 0; k < p.length; k++) {
          const gk = (gg[k] as number) / wsum;
          mm[k] = 0.9 * (mm[k] as number) + 0.1 * gk;
          vv[k] = 0.999 * (vv[k] as number) + 0.001 * gk * gk;
          p[k] =
            (p[k] as number) -
            lr *
              ((mm[k] as number) / c1 / (Math.sqrt((vv[k] as number) / c2) + 1e-8) +
                decay * (p[k] as number));
        }
      });
      const gbn = gb / wsum;
      mb = 0.9 * mb + 0.1 * gbn;
      vb = 0.999 * vb + 0.001 * gbn * gbn;
      m.b2 -= lr * (mb / c1 / (Math.sqrt(vb / c2) + 1e-8));
    }
  }
  return m;
}

export const VEST_OUTPUT = 'p_vest';

/**
 * Hi-vis colour cues the re-id embedding was never trained for: the share of the torso band
 * (rows 38..160 of the 256-high person crop) that is fluorescent yellow/lime, and that is
 * fluorescent orange. Soft (sigmoid) thresholds so the same sums are easy to write in ONNX.
 */
export const TORSO_ROWS: [number, number] = [38, 160];
export const COLOUR_TESTS: { channel: 0 | 1 | 2; at: number; sign: 1 | -1 }[][] = [
  // yellow/lime: R > 140, G > 140, B < 100  (crop is BGR: channel 0 = B)
  [
    { channel: 2, at: 140, sign: 1 },
    { channel: 1, at: 140, sign: 1 },
    { channel: 0, at: 100, sign: -1 },
  ],
  // orange: R > 170, 60 < G < 160, B < 90
  [
    { channel: 2, at: 170, sign: 1 },
    { channel: 1, at: 60, sign: 1 },
    { channel: 1, at: 160, sign: -1 },
    { channel: 0, at: 90, sign: -1 },
  ],
];
const SOFT = 10;

export function colourFeatures(crop: Float32Array, width = 128): number[] {
  const [r0, r1] = TORSO_ROWS;
  return COLOUR_TESTS.map((tests) => {
    let sum = 0;
    for (let y = r0; y < r1; y++)
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 3;
        let p = 1;
        for (const t of tests)
          p *= 1 / (1 + Math.exp(-(t.sign * ((crop[o + t.channel] as number) - t.at)) / SOFT));
        sum += p;
      }
    return sum / ((r1 - r0) * width);
  });
}

/**
 * [L2-normalised re-id embedding (256), hi-vis colour features (2), torso-band cues (cues.ts)]
 * → Gemm → Relu → Gemm → Sigmoid → p_vest [1,1].
 */
export function exportVest(
  m: BinMlp,
  reidFile: string,
  meta: Record<string, string>,
  cues: CueSpec | null,
  halfResolution = false,
): Buffer {
  const model = readModel(reidFile);
  if (halfResolution) halveReid(model);
  const g = model.graph;
  g.initializer.push(
    floatTensor('jh.w1', [m.hidden, m.dim], m.w1),
    floatTensor('jh.b1', [m.hidden], m.b1),
    floatTensor('jh.w2', [1, m.hidden], m.w2),
    floatTensor('jh.b2', [1], [m.b2]),
  );
  const input = g.input[0]?.name ?? 'inputs:0';
  g.initializer.push(
    int64Tensor('jh.rows0', [TORSO_ROWS[0]]),
    int64Tensor('jh.rows1', [TORSO_ROWS[1]]),
    int64Tensor('jh.ax1', [1]),
    int64Tensor('jh.ax3', [3]),
    int64Tensor('jh.shape11', [1, 1]),
    ...[0, 1, 2].flatMap((c) => [int64Tensor(`jh.c${c}`, [c]), int64Tensor(`jh.c${c}e`, [c + 1])]),
  );
  g.node.push(node('Slice', [input, 'jh.rows0', 'jh.rows1', 'jh.ax1'], ['jh.band']));
  for (const c of [0, 1, 2])
    g.node.push(node('Slice', ['jh.band', `jh.c${c}`, `jh.c${c}e`, 'jh.ax3'], [`jh.ch${c}`]));
  const colours: string[] = [];
  COLOUR_TESTS.forEach((tests, k) => {
    const terms = tests.map((t, i) => {
      const p = `jh.k${k}t${i}`;
      g.initializer.push(floatTensor(`${p}.at`, [], [t.at]), floatTensor(`${p}.s`, [], [t.sign / SOFT]));
      g.node.push(
        node('Sub', [`jh.ch${t.channel}`, `${p}.at`], [`${p}.d`]),
        node('Mul', [`${p}.d`, `${p}.s`], [`${p}.z`]),
        node('Sigmoid', [`${p}.z`], [`${p}.p`]),
      );
      return `${p}.p`;
    });
    let acc = terms[0] as string;
    terms.slice(1).forEach((t, i) => {
      g.node.push(node('Mul', [acc, t], [`jh.k${k}m${i}`]));
      acc = `jh.k${k}m${i}`;
    });
    g.node.push(
      node('ReduceMean', [acc], [`jh.k${k}mean`], [attr.ints('axes', [1, 2, 3]), attr.int('keepdims', 1)]),
      node('Reshape', [`jh.k${k}mean`, 'jh.shape11'], [`jh.k${k}f`]),
    );
    colours.push(`jh.k${k}f`);
  });
  if (cues) colours.push(addToneCues(g, cues, 'jh.band'));
  g.node.push(
    node('LpNormalization', ['Identity:0'], ['jh.embn'], [attr.int('axis', 1), attr.int('p', 2)]),
    node('Concat', ['jh.embn', ...colours], ['jh.emb'], [attr.int('axis', 1)]),
    node('Gemm', ['jh.emb', 'jh.w1', 'jh.b1'], ['jh.h'], [attr.int('transB', 1)]),
    node('Relu', ['jh.h'], ['jh.hr']),
    node('Gemm', ['jh.hr', 'jh.w2', 'jh.b2'], ['jh.z'], [attr.int('transB', 1)]),
    node('Sigmoid', ['jh.z'], [VEST_OUTPUT]),
  );
  g.output = [floatOutput(VEST_OUTPUT, 2)];
  g.valueInfo = [];
  model.producerName = 'jianhu training/';
  model.metadataProps = Object.entries(meta).map(([key, value]) => ({ key, value }));
  return encodeModel(model);
}
