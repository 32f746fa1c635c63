/**
 * Writes the trained per-cell MLP onto YOLOX-Nano's frozen graph: per FPN level,
 * Concat(cls-branch, reg-branch[, colour]) → 1x1 Conv → ReLU → 1x1 Conv → [reg | sigmoid(obj, classes)],
 * then the levels are flattened and concatenated into YOLOX's raw layout [1, 3549, 5 + classes], so the
 * standard YOLOX decoder reads it. Input standardisation is folded into the first conv.
 *
 * Optional colour features (`ColourSpec`): per grid cell, mean B, G, R (÷255) and chroma (max − min of
 * B, G, R) over windows of the input image itself (AveragePool on `images`), so the head sees colour and
 * brightness that COCO's features may not keep. They read only the graph input: the head still merges
 * onto YOLOX-Nano (src/vision/detect/onnx/merge-heads.ts), and the graph stays fully convolutional.
 */
import {
  attr,
  encodeModel,
  floatOutput,
  floatTensor,
  int64Tensor,
  node,
  pruneTo,
  readModel,
  type OnnxGraph,
  type OnnxModel,
} from '../../src/vision/detect/onnx/onnx-model.ts';
import { LEVEL_TENSORS, STRIDES, YOLOX_FILE } from '../onnx/yolox-features.ts';
import type { Mlp } from './mlp.ts';

export const OUTPUT_NAME = 'output';

/**
 * Colour windows per grid cell of stride s, each giving 4 channels (mean B, G, R ÷ 255, mean chroma):
 * `context` k: a k·s × k·s window centred on the cell (k = 1 is the cell itself; padding not counted);
 * `above` d: the cell d rows above (zero above the image's top edge).
 */
export interface ColourSpec {
  context: number[];
  above: number[];
  /**
   * Optional: YOLOX's 64 classification-branch values of the cell d rows above (d > 0) or below
   * (d < 0), zero beyond the edge — vertical context for a head (hat top above, face and shoulders below).
   */
  neighbours?: number[];
  /**
   * Optional: 2 channels per cell for light sources past the sensor's range (the `arc` head): the
   * fraction of the cell's pixels clipped white (every channel ≥ 245) and the cell's brightest pixel
   * (max of B, G, R; ÷ 255). Means cannot tell a small clipped core from a pale wall; these can.
   */
  peak?: boolean;
}

export const COLOUR_CHANNELS = 4;
export const NEIGHBOUR_CHANNELS = 64;
export const colourDim = (c: ColourSpec | undefined): number =>
  c
    ? COLOUR_CHANNELS * (c.context.length + c.above.length) +
      NEIGHBOUR_CHANNELS * (c.neighbours?.length ?? 0) +
      (c.peak ? PEAK_CHANNELS : 0)
    : 0;
export const PEAK_CHANNELS = 2;
/** A trainer's extra features: JH_COLOUR (a ColourSpec as JSON, or `none`) if set, else `fallback`. */
export function colourFromEnv(fallback: ColourSpec, env = process.env.JH_COLOUR): ColourSpec | undefined {
  if (env === 'none') return undefined;
  return env ? (JSON.parse(env) as ColourSpec) : fallback;
}
/** Per level: the colour feature tensor [1, colourDim, H/s, W/s] (when a ColourSpec is used). */
export const colourTensor = (level: number): string => `jh.l${level}.colour`;

/**
 * Appends the colour-feature nodes (reading only the graph input `images`) to `g`. Output sizes are
 * exactly the grid of each level for any input whose sides are multiples of 32. Built for cost
 * (≈ 0.1 ms at 416×256, 1 thread): chroma by Split + Max + Min (ReduceMax over channels was ≈ 1 ms), no
 * full-resolution Concat or Mul (scaling after pooling), and the cell means of strides 16 and 32 pooled
 * 2×2 from the level below instead of from the image again.
 */
export function addColourNodes(
  g: OnnxGraph,
  c: ColourSpec,
  input = 'images',
  levelTensors: readonly (readonly [string, string])[] = LEVEL_TENSORS,
): void {
  g.initializer.push(
    floatTensor('jh.c.k', [], [1 / 255]),
    int64Tensor('jh.c.axis2', [2]),
    int64Tensor('jh.c.s0', [0]),
  );
  g.node.push(
    node('Split', [input], ['jh.c.b', 'jh.c.g', 'jh.c.r'], [attr.int('axis', 1)]),
    node('Max', ['jh.c.b', 'jh.c.g', 'jh.c.r'], ['jh.c.max']),
    node('Min', ['jh.c.b', 'jh.c.g', 'jh.c.r'], ['jh.c.min']),
    node('Sub', ['jh.c.max', 'jh.c.min'], ['jh.c.chroma']),
  );
  if (c.peak) {
    // 1 where every channel is ≥ 245 (clipped white), ramping from 0 at 244: Min(Relu(min − 244), 1)
    g.initializer.push(floatTensor('jh.c.t244', [], [244]), floatTensor('jh.c.one', [], [1]));
    g.node.push(
      node('Sub', ['jh.c.min', 'jh.c.t244'], ['jh.c.over']),
      node('Relu', ['jh.c.over'], ['jh.c.overpos']),
      node('Min', ['jh.c.overpos', 'jh.c.one'], ['jh.c.clipped']),
    );
  }
  for (const d of c.above) {
    if (!(Number.isInteger(d) && d >= 1)) throw new Error(`colour: above ${d} is not a whole number ≥ 1`);
    g.initializer.push(
      int64Tensor(`jh.c.pad${d}`, [0, 0, d, 0, 0, 0, 0, 0]),
      int64Tensor(`jh.c.end${d}`, [-d]),
    );
  }
  const avgPool = (inp: string, out: string, kernel: number, stride: number, pad: number) =>
    node(
      'AveragePool',
      [inp],
      [out],
      [
        attr.ints('kernel_shape', [kernel, kernel]),
        attr.ints('strides', [stride, stride]),
        attr.ints('pads', [pad, pad, pad, pad]),
        attr.int('count_include_pad', 0),
      ],
    );
  STRIDES.forEach((s, l) => {
    const p = `jh.l${l}.c.`;
    // a k·s window centred on each cell: B, G, R and chroma pooled from the image, then ÷ 255
    const pool = (k: number): string => {
      const pad = ((k - 1) * s) / 2;
      if (!(Number.isInteger(k) && k >= 1 && Number.isInteger(pad)))
        throw new Error(`colour: context ${k} at stride ${s}`);
      g.node.push(
        avgPool(input, `${p}bgr${k}`, k * s, s, pad),
        avgPool('jh.c.chroma', `${p}chroma${k}`, k * s, s, pad),
        node('Concat', [`${p}bgr${k}`, `${p}chroma${k}`], [`${p}raw${k}`], [attr.int('axis', 1)]),
        node('Mul', [`${p}raw${k}`, 'jh.c.k'], [`${p}ctx${k}`]),
      );
      return `${p}ctx${k}`;
    };
    // the cell itself: from the image at stride 8, then 2×2 means of the level below
    const cell = `${p}ctx1`;
    if (l === 0) pool(1);
    else g.node.push(avgPool(`jh.l${l - 1}.c.ctx1`, cell, 2, 2, 0));
    const parts = c.context.map((k) => (k === 1 ? cell : pool(k)));
    for (const d of c.above) {
      g.node.push(
        node('Pad', [cell, `jh.c.pad${d}`], [`${p}padded${d}`]),
        node('Slice', [`${p}padded${d}`, 'jh.c.s0', `jh.c.end${d}`, 'jh.c.axis2'], [`${p}above${d}`]),
      );
      parts.push(`${p}above${d}`);
    }
    const cls = (levelTensors[l] as readonly [string, string])[0];
    for (const d of c.neighbours ?? []) {
      if (!(Number.isInteger(d) && d !== 0))
        throw new Error(`neighbours: ${d} is not a non-zero whole number`);
      const k = Math.abs(d);
      const q = `${p}n${d < 0 ? 'b' : 'a'}${k}`;
      g.initializer.push(
        int64Tensor(`${q}.pad`, d > 0 ? [0, 0, k, 0, 0, 0, 0, 0] : [0, 0, 0, 0, 0, 0, k, 0]),
        int64Tensor(`${q}.start`, [d > 0 ? 0 : k]),
        int64Tensor(`${q}.end`, [d > 0 ? -k : 2 ** 31]),
      );
      g.node.push(
        node('Pad', [cls, `${q}.pad`], [`${q}.padded`]),
        node('Slice', [`${q}.padded`, `${q}.start`, `${q}.end`, 'jh.c.axis2'], [q]),
      );
      parts.push(q);
    }
    if (c.peak) {
      // stride 8 from the image; coarser levels pooled 2×2 from the level below (exact for both)
      const frac = `${p}clipfrac`;
      const peak = `${p}peak`;
      if (l === 0)
        g.node.push(
          avgPool('jh.c.clipped', frac, s, s, 0),
          node(
            'MaxPool',
            ['jh.c.max'],
            [`${p}peakraw`],
            [attr.ints('kernel_shape', [s, s]), attr.ints('strides', [s, s])],
          ),
          node('Mul', [`${p}peakraw`, 'jh.c.k'], [peak]),
        );
      else
        g.node.push(
          avgPool(`jh.l${l - 1}.c.clipfrac`, frac, 2, 2, 0),
          node(
            'MaxPool',
            [`jh.l${l - 1}.c.peak`],
            [peak],
            [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])],
          ),
        );
      parts.push(frac, peak);
    }
    g.node.push(node('Concat', parts, [colourTensor(l)], [attr.int('axis', 1)]));
  });
}

export function exportHead(
  m: Mlp,
  meta: Record<string, string>,
  yoloxFile = YOLOX_FILE,
  colour?: ColourSpec,
): Buffer {
  return appendHead(readModel(yoloxFile), m, meta, colour, LEVEL_TENSORS);
}

/**
 * The head on `model` (YOLOX-Nano, possibly with fine-tuned copies of its last layers added by
 * training/gpu/finish-finetuned.ts): per level it reads `levelTensors` [classification, regression].
 */
export function appendHead(
  model: OnnxModel,
  m: Mlp,
  meta: Record<string, string>,
  colour: ColourSpec | undefined,
  levelTensors: readonly (readonly [string, string])[],
): Buffer {
  pruneTo(
    model,
    levelTensors.flat().map((n) => floatOutput(n, 4)),
  );
  const g = model.graph;
  if (colour) addColourNodes(g, colour, 'images', levelTensors);
  // fold (x - mean) / std into the first layer: w' = w / std, b' = b - Σ w·mean/std
  const w1 = new Float32Array(m.hidden * m.dim);
  const b1 = new Float32Array(m.hidden);
  for (let j = 0; j < m.hidden; j++) {
    let b = m.b1[j] as number;
    for (let c = 0; c < m.dim; c++) {
      const w = (m.w1[j * m.dim + c] as number) / (m.std[c] as number);
      w1[j * m.dim + c] = w;
      b -= w * (m.mean[c] as number);
    }
    b1[j] = b;
  }
  g.initializer.push(
    floatTensor('jh.w1', [m.hidden, m.dim, 1, 1], w1),
    floatTensor('jh.b1', [m.hidden], b1),
    floatTensor('jh.w2', [m.out, m.hidden, 1, 1], m.w2),
    floatTensor('jh.b2', [m.out], m.b2),
    int64Tensor('jh.s0', [0]),
    int64Tensor('jh.s4', [4]),
    int64Tensor('jh.sEnd', [m.out]),
    int64Tensor('jh.axis1', [1]),
    int64Tensor('jh.shape', [1, m.out, -1]),
  );
  const levels: string[] = [];
  levelTensors.forEach(([cls, reg], l) => {
    const p = `jh.l${l}.`;
    g.node.push(
      node('Concat', colour ? [cls, reg, colourTensor(l)] : [cls, reg], [`${p}feat`], [attr.int('axis', 1)]),
      node('Conv', [`${p}feat`, 'jh.w1', 'jh.b1'], [`${p}h`], [attr.ints('kernel_shape', [1, 1])]),
      node('Relu', [`${p}h`], [`${p}hr`]),
      node('Conv', [`${p}hr`, 'jh.w2', 'jh.b2'], [`${p}z`], [attr.ints('kernel_shape', [1, 1])]),
      node('Slice', [`${p}z`, 'jh.s0', 'jh.s4', 'jh.axis1'], [`${p}reg`]),
      node('Slice', [`${p}z`, 'jh.s4', 'jh.sEnd', 'jh.axis1'], [`${p}logit`]),
      node('Sigmoid', [`${p}logit`], [`${p}prob`]),
      node('Concat', [`${p}reg`, `${p}prob`], [`${p}out`], [attr.int('axis', 1)]),
      node('Reshape', [`${p}out`, 'jh.shape'], [`${p}flat`]),
    );
    levels.push(`${p}flat`);
  });
  g.node.push(
    node('Concat', levels, ['jh.all'], [attr.int('axis', 2)]),
    node('Transpose', ['jh.all'], [OUTPUT_NAME], [attr.ints('perm', [0, 2, 1])]),
  );
  g.output = [floatOutput(OUTPUT_NAME, 3)];
  g.name = meta.name ?? 'jianhu-head';
  model.producerName = 'jianhu training/';
  model.metadataProps = Object.entries(meta).map(([key, value]) => ({ key, value }));
  return encodeModel(model);
}
