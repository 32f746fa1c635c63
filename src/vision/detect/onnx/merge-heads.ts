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
import {
  floatOutput,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx-model.ts';

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

/** What a head adds to its base: its own nodes and initializers, and the base tensors they read. */
interface HeadPart {
  own: OnnxNode[];
  ownInitializers: OnnxTensor[];
  /** tensors the head keeps from the base (graph inputs, shared node outputs, shared initializers) */
  shared: Set<string>;
}

/** The base graph indexed once for several heads. */
interface BaseIndex {
  producer: Map<string, OnnxNode>;
  inits: Map<string, OnnxTensor>;
  graphInputs: Set<string>;
}

const indexBase = (base: OnnxModel): BaseIndex => {
  const producer = new Map<string, OnnxNode>();
  for (const n of base.graph.node) for (const o of n.output) producer.set(o, n);
  return {
    producer,
    inits: new Map(base.graph.initializer.map((t) => [t.name, t])),
    graphInputs: new Set(base.graph.input.map((v) => v.name)),
  };
};

/** Splits a head model into the part it shares with the base (checked identical) and its own part. */
function headPart(b: BaseIndex, head: HeadModel): HeadPart {
  const refuse = (why: string) =>
    DetectErrors.backboneMismatch(
      { model: head.name, why },
      `model ${head.name} cannot share the backbone: ${why} 主干网络不一致`,
    );
  const hg = head.model.graph;
  // tensors that stay base tensors: produced by a shared node, a base initializer or a graph input
  const shared = new Set<string>(b.graphInputs);
  for (const t of hg.initializer) {
    const bt = b.inits.get(t.name);
    if (!bt) continue;
    if (!sameBytes(bt, t)) throw refuse(`initializer ${t.name} differs`);
    shared.add(t.name);
  }
  const own: OnnxNode[] = [];
  for (const n of hg.node) {
    // the head's own output may reuse the base's output name ("output"): it is the head's, renamed
    const sharedOutputs = n.output.filter((o) => b.producer.has(o) && o !== head.output);
    if (sharedOutputs.length === 0) {
      own.push(n);
      continue;
    }
    const bn = b.producer.get(sharedOutputs[0]!)!;
    if (!sameNode(bn, n)) throw refuse(`node ${n.name || n.output[0]} (${n.opType}) differs`);
    for (const o of n.output) shared.add(o);
  }
  for (const i of hg.input)
    if (!b.graphInputs.has(i.name)) throw refuse(`input ${i.name} is not an input of the base model`);
  if (!hg.output.some((o) => o.name === head.output)) throw refuse(`it has no output ${head.output}`);
  if (shared.has(head.output)) throw refuse(`its output ${head.output} is a backbone tensor`);
  return { own, ownInitializers: hg.initializer.filter((t) => !shared.has(t.name)), shared };
}

/**
 * The base tensors a head's own nodes read that the base computes (not initializers): the cut where a
 * head run apart from the base (`headAlone`) takes over. For our heads: YOLOX-Nano's PAN outputs and
 * the input image.
 */
function cutOf(b: BaseIndex, part: HeadPart): string[] {
  const read = new Set(part.own.flatMap((n) => n.input));
  return [...read].filter((t) => t !== '' && part.shared.has(t) && !b.inits.has(t)).sort();
}

/**
 * Returns a new model: `base` unchanged (its outputs kept) plus every head's own nodes, with one extra
 * output per head named `headOutputName(head.name, head.output)`. `base` and the heads are not modified.
 * `expose`: base tensors to add as outputs as well, e.g. the cut tensors of heads run apart
 * (`headAlone`) on the frames that need them.
 */
export function mergeHeads(
  base: OnnxModel,
  heads: readonly HeadModel[],
  expose: readonly string[] = [],
): OnnxModel {
  const g = base.graph;
  const b = indexBase(base);
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
    const part = headPart(b, head);
    const prefix = `${head.name}/`;
    const rename = (t: string): string => (t === '' || part.shared.has(t) ? t : prefix + t);
    for (const n of part.own)
      merged.graph.node.push({
        ...n,
        name: prefix + (n.name || n.output[0] || n.opType),
        input: n.input.map(rename),
        output: n.output.map(rename),
      });
    for (const t of part.ownInitializers) merged.graph.initializer.push({ ...t, name: prefix + t.name });
    // rename() has turned the head's output into headOutputName(head.name, head.output)
    merged.graph.output.push(floatOutput(headOutputName(head.name, head.output), 3));
  }
  for (const t of expose) {
    if (b.graphInputs.has(t) || merged.graph.output.some((o) => o.name === t)) continue;
    if (!b.producer.has(t)) throw new Error(`mergeHeads: ${t} is not a tensor the base computes`);
    merged.graph.output.push(anyFloat(t));
  }
  return merged;
}

/** A float tensor of any shape (onnxruntime takes the shape of what it is given or computes). */
const anyFloat = (name: string): OnnxValueInfo => ({ name, type: { tensorType: { elemType: 1 } } });

/**
 * A head's own nodes as a model of their own: its inputs are the base tensors at its cut (`cut`, e.g.
 * the PAN outputs and the image), its output is the head's. Run after the base graph, fed the tensors
 * the base computed for the same frame (the base exposes them: `mergeHeads(..., expose)`), it gives
 * the head's output exactly as the merged graph does, but only on the frames that need it (the
 * hard-hat head only where YOLOX-Nano found a person). Checked against the base like `mergeHeads`.
 */
export function headAlone(base: OnnxModel, head: HeadModel): { model: OnnxModel; cut: string[] } {
  const b = indexBase(base);
  const part = headPart(b, head);
  const cut = cutOf(b, part);
  const read = new Set(part.own.flatMap((n) => n.input));
  const sharedInits = base.graph.initializer.filter((t) => read.has(t.name));
  const model: OnnxModel = {
    ...head.model,
    graph: {
      ...head.model.graph,
      name: `${head.name} (head alone)`,
      node: part.own,
      initializer: [...sharedInits, ...part.ownInitializers],
      input: cut.map(anyFloat),
      output: [floatOutput(head.output, 3)],
      valueInfo: [],
    },
  };
  return { model, cut };
}
