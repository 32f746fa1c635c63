/**
 * One graph for several heads on one frozen backbone. Our own detectors (hard hat, fire/smoke) are
 * YOLOX-Nano's COCO graph pruned at its head features plus a small trained head (training/head/
 * export.ts), so run side by side with YOLOX-Nano they compute the same backbone three times per
 * frame. Merged, the backbone runs once and each head reads its features: the default pipeline's
 * cost falls from three backbone passes to about one (bench:models prints both).
 *
 * A head model is accepted only if every node it shares with the base (same output tensor name) is
 * the same operation on the same inputs and every initializer it shares by name holds the same
 * bytes: a head trained on another backbone is refused with a coded error, never run on the wrong
 * features. Its own nodes, initializers and output are renamed under `<head name>/`.
 */
import { DetectErrors } from '../errors.ts';
import { floatOutput, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx-model.ts';

export interface HeadModel {
  name: string;
  model: OnnxModel;
  /** the head's output tensor in its own graph */
  output: string;
}

/** The merged graph's output tensor name for a head's output. */
export const headOutputName = (head: string, output: string): string => `${head}/${output}`;

const sameBytes = (a: OnnxTensor, b: OnnxTensor): boolean => {
  if (a.dataType !== b.dataType || a.dims.join() !== b.dims.join()) return false;
  const x = a.rawData ?? [];
  const y = b.rawData ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  // tensors stored in typed fields instead of raw_data (rare in exported models)
  return JSON.stringify(typedFields(a)) === JSON.stringify(typedFields(b));
};

const typedFields = (t: OnnxTensor): unknown[] => {
  const o = t as unknown as Record<string, unknown>;
  return ['floatData', 'int32Data', 'int64Data', 'doubleData'].map((k) => o[k] ?? []);
};

const sameNode = (a: OnnxNode, b: OnnxNode): boolean =>
  a.opType === b.opType &&
  a.input.join('\n') === b.input.join('\n') &&
  a.output.join('\n') === b.output.join('\n') &&
  JSON.stringify(a.attribute) === JSON.stringify(b.attribute);

/**
 * Returns a new model: `base` unchanged (its outputs kept) plus every head's own nodes, with one extra
 * output per head named `headOutputName(head.name, head.output)`. `base` and the heads are not modified.
 */
export function mergeHeads(base: OnnxModel, heads: readonly HeadModel[]): OnnxModel {
  const g = base.graph;
  const producer = new Map<string, OnnxNode>();
  for (const n of g.node) for (const o of n.output) producer.set(o, n);
  const inits = new Map(g.initializer.map((t) => [t.name, t]));
  const graphInputs = new Set(g.input.map((v) => v.name));
  const merged: OnnxModel = {
    ...base,
    graph: {
      ...g,
      node: [...g.node],
      initializer: [...g.initializer],
      output: [...g.output],
      valueInfo: [],
    },
  };
  for (const head of heads) {
    const refuse = (why: string) =>
      DetectErrors.backboneMismatch(
        { model: head.name, why },
        `model ${head.name} cannot share the backbone: ${why} 主干网络不一致`,
      );
    const hg = head.model.graph;
    const prefix = `${head.name}/`;
    // tensors that stay base tensors: produced by a shared node, a base initializer or a graph input
    const shared = new Set<string>(graphInputs);
    for (const t of hg.initializer) {
      const b = inits.get(t.name);
      if (!b) continue;
      if (!sameBytes(b, t)) throw refuse(`initializer ${t.name} differs`);
      shared.add(t.name);
    }
    const own: OnnxNode[] = [];
    for (const n of hg.node) {
      // the head's own output may reuse the base's output name ("output"): it is the head's, renamed
      const sharedOutputs = n.output.filter((o) => producer.has(o) && o !== head.output);
      if (sharedOutputs.length === 0) {
        own.push(n);
        continue;
      }
      const b = producer.get(sharedOutputs[0]!)!;
      if (!sameNode(b, n)) throw refuse(`node ${n.name || n.output[0]} (${n.opType}) differs`);
      for (const o of n.output) shared.add(o);
    }
    for (const i of hg.input)
      if (!graphInputs.has(i.name)) throw refuse(`input ${i.name} is not an input of the base model`);
    const rename = (t: string): string => (t === '' || shared.has(t) ? t : prefix + t);
    for (const n of own)
      merged.graph.node.push({
        ...n,
        name: prefix + (n.name || n.output[0] || n.opType),
        input: n.input.map(rename),
        output: n.output.map(rename),
      });
    for (const t of hg.initializer)
      if (!shared.has(t.name)) merged.graph.initializer.push({ ...t, name: prefix + t.name });
    if (!hg.output.some((o) => o.name === head.output)) throw refuse(`it has no output ${head.output}`);
    if (shared.has(head.output)) throw refuse(`its output ${head.output} is a backbone tensor`);
    // rename() has turned the head's output into headOutputName(head.name, head.output)
    merged.graph.output.push(floatOutput(headOutputName(head.name, head.output), 3));
  }
  return merged;
}
