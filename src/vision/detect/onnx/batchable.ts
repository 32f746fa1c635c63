/**
 * Makes a one-crop stage-2 model (the vest classifier: Intel's re-id embedder + our head) take a batch
 * of crops in one run. Why: the crops of one frame in one run cost less CPU per crop than a run each
 * (bench/vest-batch.ts), and the vest stage's crops are most of what the default pipeline spends on a
 * frame with people (src/vision/detect/README.md, #25).
 *
 * The exported graphs assume a batch of one in three places: the declared input/output shapes; Reshape
 * nodes whose target shape is a constant starting with 1 (tf2onnx writes `[1, 128]`), where the leading
 * 1 becomes 0, which ONNX Reshape reads as "copy the input's dim 0" (allowzero unset), i.e. the batch;
 * and the embedder's input standardisation, a ReduceMean over all four axes (batch included: with one
 * crop the same as per crop), which becomes per crop (axes 1–3). Nothing else changes. The caller
 * checks a batch's answers against single runs before using it.
 */
import type { OnnxModel, OnnxValueInfo } from './onnx-model.ts';

const INT64 = 7;

interface Dims {
  tensorType?: { shape?: { dim?: { dimValue?: number; dimParam?: string }[] } };
}

function symbolicBatch(vi: OnnxValueInfo): void {
  const dim = (vi.type as Dims | undefined)?.tensorType?.shape?.dim;
  if (dim?.[0]) dim[0] = { dimParam: 'batch' };
}

/** Edits `model` in place; returns how many nodes were changed. */
export function makeBatchable(model: OnnxModel): number {
  const g = model.graph;
  const inits = new Map(g.initializer.map((t) => [t.name, t]));
  let changed = 0;
  for (const n of g.node) {
    const axes = n.opType === 'ReduceMean' ? n.attribute.find((a) => a.name === 'axes') : undefined;
    if (axes?.ints && axes.ints.length > 1 && axes.ints.includes(0)) {
      axes.ints = axes.ints.filter((a) => a !== 0);
      changed++;
      continue;
    }
    if (n.opType !== 'Reshape' || n.attribute.some((a) => a.name === 'allowzero' && a.i === 1)) continue;
    const t = inits.get(n.input[1] ?? '');
    if (!t || t.dataType !== INT64 || t.rawData.length < 8) continue;
    const raw = Uint8Array.from(t.rawData);
    const view = new DataView(raw.buffer);
    if (view.getBigInt64(0, true) !== 1n) continue;
    view.setBigInt64(0, 0n, true);
    t.rawData = raw;
    changed++;
  }
  g.input.forEach(symbolicBatch);
  g.output.forEach(symbolicBatch);
  g.valueInfo = [];
  return changed;
}
