/**
 * The hard-hat model's last layer, read from and written into its ONNX graph. The model ends in a per-cell
 * perceptron (training/head/export.ts): `jh.l<k>.hr` (48 ReLU values per grid cell of level k) → 1×1 conv
 * `jh.w2` [7, 48] + `jh.b2` → tx, ty, tw, th, objectness, helmet, head logits. Site adaptation retrains
 * only the scoring rows of that conv (objectness and the two classes) on the CPU; everything before it,
 * the box rows included, stays the shipped model's, so a per-site file differs from the shipped one in
 * 3 × 49 numbers.
 */
import { decodeModel, encodeModel, floatOutput, pruneTo, type OnnxModel } from '../detect/onnx/onnx-model.ts';
import { AdaptErrors } from './errors.ts';

export const W2 = 'jh.w2';
export const B2 = 'jh.b2';
/** the per-level hidden activations the last layer reads */
export const hiddenTensor = (level: number): string => `jh.l${level}.hr`;
export const LEVELS = 3;

/** out × hidden weights (row-major, row k = output k) and out biases. */
export interface LastLayer {
  hidden: number;
  out: number;
  w: Float32Array;
  b: Float32Array;
}

const floatsOf = (raw: Uint8Array): Float32Array => {
  const copy = new Uint8Array(raw); // aligned copy: rawData may sit at any offset of the protobuf buffer
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
};
const bytesOf = (f: Float32Array): Uint8Array =>
  new Uint8Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength));

function tensor(model: OnnxModel, name: string) {
  const t = model.graph.initializer.find((x) => x.name === name);
  if (!t || t.rawData.byteLength === 0)
    throw AdaptErrors.notAdaptable({ missing: name }, `the model has no ${name} (raw float data)`);
  return t;
}

export function readLastLayer(modelBytes: Uint8Array): LastLayer {
  const m = decodeModel(modelBytes);
  const w = tensor(m, W2);
  const [out, hidden] = w.dims as [number, number];
  return { out, hidden, w: floatsOf(w.rawData), b: floatsOf(tensor(m, B2).rawData) };
}

/** The same model with `layer` as its last layer (nothing else changes). */
export function withLastLayer(modelBytes: Uint8Array, layer: LastLayer): Buffer {
  const m = decodeModel(modelBytes);
  const w = tensor(m, W2);
  const b = tensor(m, B2);
  if (w.dims[0] !== layer.out || w.dims[1] !== layer.hidden)
    throw AdaptErrors.notAdaptable({ dims: w.dims }, 'last layer shape differs');
  w.rawData = bytesOf(layer.w);
  b.rawData = bytesOf(layer.b);
  return encodeModel(m);
}

/** The model cut before its last layer: outputs the hidden activations of every level. */
export function hiddenGraph(modelBytes: Uint8Array): Buffer {
  const m = decodeModel(modelBytes);
  const names = Array.from({ length: LEVELS }, (_, l) => hiddenTensor(l));
  for (const n of names)
    if (!m.graph.node.some((x) => x.output.includes(n)))
      throw AdaptErrors.notAdaptable({ missing: n }, `the model has no tensor ${n}`);
  pruneTo(
    m,
    names.map((n) => floatOutput(n, 4)),
  );
  return encodeModel(m);
}

/** Copies of a layer's arrays (training changes its own copy). */
export const cloneLayer = (l: LastLayer): LastLayer => ({ ...l, w: l.w.slice(), b: l.b.slice() });
