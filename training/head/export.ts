/**
 * Writes the trained per-cell MLP onto YOLOX-Nano's frozen graph: per FPN level,
 * Concat(cls-branch, reg-branch) → 1x1 Conv → ReLU → 1x1 Conv → [reg | sigmoid(obj, classes)], then
 * the levels are flattened and concatenated into YOLOX's raw layout [1, 3549, 5 + classes], so the
 * standard YOLOX decoder reads it. Input standardisation is folded into the first conv.
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
  type OnnxModel,
} from '../../src/detect/onnx/onnx-model.ts';
import { LEVEL_TENSORS, YOLOX_FILE } from '../onnx/yolox-features.ts';
import type { Mlp } from './mlp.ts';

export const OUTPUT_NAME = 'output';

export function exportHead(m: Mlp, meta: Record<string, string>, yoloxFile = YOLOX_FILE): Buffer {
  const model: OnnxModel = readModel(yoloxFile);
  pruneTo(
    model,
    LEVEL_TENSORS.flat().map((n) => floatOutput(n, 4)),
  );
  const g = model.graph;
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
  LEVEL_TENSORS.forEach(([cls, reg], l) => {
    const p = `jh.l${l}.`;
    g.node.push(
      node('Concat', [cls, reg], [`${p}feat`], [attr.int('axis', 1)]),
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
