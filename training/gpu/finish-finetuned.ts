/**
 * Turns the fine-tuning trainer's output (finetune_hardhat.py → `.gpu/out/<name>.json`) into an ONNX graph:
 * YOLOX-Nano unchanged, plus the fine-tuned copies of its last layers (renamed under `ft/`, so merged with
 * YOLOX-Nano in the service the shared part still runs once per frame), plus the per-cell head exactly as
 * the CPU trainer exports it (export.ts appendHead). The graph's output is checked against the trainer's
 * own output on a fixed probe image before it is written. Used by ship-finetuned.ts (ships it) and
 * validate-finetuned.ts (validation AP of candidates, nothing under models/ written).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import ort from 'onnxruntime-node';
import { PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import {
  floatTensor,
  readModel,
  type OnnxGraph,
  type OnnxNode,
} from '../../src/vision/detect/onnx/onnx-model.ts';
import { withDynamicSpatialInput } from '../../src/vision/detect/onnx-dynamic-input.ts';
import { appendHead, type ColourSpec } from '../head/export.ts';
import type { Mlp } from '../head/mlp.ts';
import { HARDHAT_LABELS } from '../head/finish-hardhat.ts';
import { headEntry } from '../head/train-yolox-head.ts';
import { YOLOX_FILE } from '../onnx/yolox-features.ts';

/** The perceptron's extra inputs in finetune_hardhat.py (`Head.features`), in the same order. */
export const FINETUNED_COLOUR: ColourSpec = { context: [1], above: [1], neighbours: [1, -1] };
/** The same without the cells above and below (`--task fire`). */
const COLOUR_ONLY: ColourSpec = { context: [1], above: [1] };
export const colourOf = (doc: FinetunedDoc): ColourSpec =>
  doc.neighbours === false ? COLOUR_ONLY : FINETUNED_COLOUR;
const PREFIX = 'ft/';

export interface FinetunedDoc {
  name: string;
  /** absent in runs before the fire task existed: the hard-hat layout */
  task?: 'hardhat' | 'fire';
  labels?: string[];
  neighbours?: boolean;
  cut: string[];
  cutName: string;
  levelTensors: [string, string][];
  copyNodes: string[];
  copies: Record<string, { dims: number[]; data: string }>;
  mlp: Record<'w1' | 'b1' | 'w2' | 'b2' | 'mean' | 'std', string> & {
    dim: number;
    hidden: number;
    out: number;
  };
  probe: { height: number; width: number; rows: number[][]; every: number };
  args: Record<string, unknown>;
  /** epochs trained (fewer than args.epochs when the run stopped early: --stop-after) */
  epochsDone?: number;
  seconds: number;
  device: string;
  torch: string;
}

const floats = (b64: string): Float32Array => {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** The trained perceptron of a run, as the CPU trainer's `Mlp` (standardisation still unfolded). */
export function mlpOf(doc: FinetunedDoc): Mlp {
  const m = doc.mlp;
  return {
    dim: m.dim,
    hidden: m.hidden,
    out: m.out,
    w1: floats(m.w1),
    b1: floats(m.b1),
    w2: floats(m.w2),
    b2: floats(m.b2),
    mean: floats(m.mean),
    std: floats(m.std),
  };
}

/** The probe image both sides compute (finetune_hardhat.py `write`): BGR values from a fixed pattern. */
export function probeInput(h: number, w: number): Float32Array {
  const input = new Float32Array(3 * h * w);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) input[(c * h + y) * w + x] = (x * 7 + y * 13 + c * 29) % 256;
  return input;
}

/**
 * The nodes a fine-tuning run copies (finetune_hardhat.py `Replay`, same rule): those downstream of the
 * `cut` tensors that `targets` need, where the cut tensors themselves always come from the frozen graph.
 */
export function copiedNodes(g: OnnxGraph, cut: readonly string[], targets: readonly string[]): OnnxNode[] {
  const cutSet = new Set(cut);
  const down = new Set<string>();
  for (const n of g.node)
    if (n.input.some((i) => cutSet.has(i) || down.has(i)))
      for (const o of n.output) if (!cutSet.has(o)) down.add(o);
  const producer = new Map<string, OnnxNode>();
  for (const n of g.node) for (const o of n.output) producer.set(o, n);
  const keep = new Set<OnnxNode>();
  const stack = targets.filter((t) => down.has(t));
  while (stack.length > 0) {
    const n = producer.get(stack.pop() as string);
    if (!n || keep.has(n)) continue;
    keep.add(n);
    stack.push(...n.input.filter((i) => down.has(i)));
  }
  return g.node.filter((n) => keep.has(n));
}

/** YOLOX-Nano + renamed fine-tuned copies + head, as ONNX bytes. */
export function buildFinetuned(doc: FinetunedDoc): Buffer {
  const model = readModel(join(PROJECT_ROOT, YOLOX_FILE));
  const g = model.graph;
  const copies = copiedNodes(g, doc.cut, doc.levelTensors.flat());
  const names = copies.map((n) => n.output[0]).join();
  // the trainer and this export must agree on what was copied, or the weights land on the wrong nodes
  if (names !== doc.copyNodes.join())
    throw new Error(
      `${doc.name}: the trainer copied ${doc.copyNodes.length} nodes, the export rule gives ${copies.length}`,
    );
  const copiedTensors = new Set(copies.flatMap((n) => n.output));
  const original = new Map(g.initializer.map((t) => [t.name, t]));
  const rename = (t: string): string => (copiedTensors.has(t) || t in doc.copies ? PREFIX + t : t);
  for (const n of copies)
    g.node.push({ ...n, name: PREFIX + n.name, input: n.input.map(rename), output: n.output.map(rename) });
  for (const [name, t] of Object.entries(doc.copies)) {
    const base = original.get(name);
    if (!base || base.dims.join() !== t.dims.join())
      throw new Error(`${doc.name}: weights ${name} [${t.dims.join(',')}] do not match ${YOLOX_FILE}`);
    g.initializer.push(floatTensor(PREFIX + name, t.dims, floats(t.data)));
  }
  const levels = doc.levelTensors.map(([c, r]) => [rename(c), rename(r)] as const);
  const meta = { name: doc.name, cut: doc.cutName, trainer: 'training/gpu/finetune_hardhat.py' };
  return appendHead(model, mlpOf(doc), meta, colourOf(doc), levels);
}

/** Largest difference between the graph's output rows and the trainer's on the probe image. */
export async function probeDifference(bytes: Uint8Array, doc: FinetunedDoc): Promise<number> {
  const { height: h, width: w, rows, every } = doc.probe;
  const input = probeInput(h, w);
  // at 416×256, as the service feeds a 16:9 camera frame (src/vision/detect/onnx-dynamic-input.ts)
  const s = await ort.InferenceSession.create(withDynamicSpatialInput(bytes), { intraOpNumThreads: 1 });
  const out = await s.run({ images: new ort.Tensor('float32', input, [1, 3, h, w]) });
  const t = Object.values(out)[0] as ort.Tensor;
  const data = t.data as Float32Array;
  const k = t.dims[2] as number;
  let worst = 0;
  rows.forEach((row, i) =>
    row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - (data[i * every * k + j] as number))))),
  );
  await s.release();
  return worst;
}

export function readDoc(file: string): FinetunedDoc {
  return JSON.parse(readFileSync(file, 'utf8')) as FinetunedDoc;
}

/** Builds, checks and writes the graph to `path`; returns its sha256 and size. */
export async function writeChecked(
  doc: FinetunedDoc,
  path: string,
): Promise<{ sha256: string; bytes: number }> {
  const bytes = buildFinetuned(doc);
  const diff = await probeDifference(bytes, doc);
  if (!(diff < 2e-3))
    throw new Error(`${doc.name}: ONNX graph differs from the trainer by ${diff} on the probe`);
  console.log(
    `${doc.name}: ONNX graph matches the trainer on the probe (max difference ${diff.toExponential(1)})`,
  );
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}

/** The manifest fields naming where a shipped fine-tuned model comes from. */
export function finetunedProvenance(name: string, doc: FinetunedDoc) {
  return {
    source: `jianhu training/gpu/ (YOLOX-Nano COCO: backbone shared and frozen, fine-tuned copies of its ${doc.cutName === 'pan' ? 'PAN and head' : 'last layers'}, per-cell MLP head); see models/${name}.card.md`,
    trainedBy: `npm run train:${name}`,
    licence:
      'Apache-2.0 (YOLOX-Nano, Megvii; copies of its PAN and head fine-tuned, and a head trained, by jianhu)',
  };
}

/** A manifest entry for a candidate written under .gpu/ (project models resolve under models/). */
export function candidateEntry(name: string, file: string, sha256: string, bytes: number) {
  const entry = headEntry(name, HARDHAT_LABELS, sha256, bytes, {
    thresholds: { score: 0.3, nms: 0.45, vote: 0.5 },
  });
  return { ...entry, file: join('..', '.gpu', 'candidates', basename(file)) };
}
