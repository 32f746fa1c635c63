/**
 * `npm run bench:batch` (#25): would batching frames of several cameras into one onnxruntime run lower
 * the CPU per frame of the merged base graph (YOLOX-Nano + fire/smoke: what runs on every frame)?
 * Batch 1, 2, 4 and 8 of 640×360 factory-clip frames (fed at 416×256, as the service does), one
 * intra-op thread, in alternating rounds so every batch size sees the same machine; CPU time of the
 * process per frame (preprocessing excluded: it is per frame whatever the batch). The exported graphs pin
 * batch 1 (their head reshapes say [1, 85, -1]), so this bench rewrites those shapes to [0, …] (copy
 * the batch dim) and frees the input's batch dim; the service's graphs are untouched.
 * Prints a table and one JSON line.
 */
import ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findModel, loadManifest, PROJECT_ROOT, readVerifiedModel } from '../src/vision/detect/manifest.ts';
import { headOutputName, mergeHeads } from '../src/vision/detect/onnx/merge-heads.ts';
import {
  decodeModel,
  encodeModel,
  floatOutput,
  type OnnxModel,
} from '../src/vision/detect/onnx/onnx-model.ts';
import { FittedInputs } from '../src/vision/detect/fitted-input.ts';
import { clipFramesRgb } from '../tests/helpers/clip-frame.ts';

const CLIP = join(PROJECT_ROOT, '..', 'shared', 'clips', 'press-shop-cctv.mp4');
const SIZES = [1, 2, 4, 8];
const FRAMES_PER_ROUND = 40;
const ROUNDS = 3;

/** Batch-free copy: reshape targets whose first dim is 1 copy the input's batch dim instead; N, H, W symbolic. */
function batchable(model: OnnxModel): OnnxModel {
  const g = model.graph;
  const targets = new Set(g.node.filter((n) => n.opType === 'Reshape').map((n) => n.input[1]));
  const initializer = g.initializer.map((t) => {
    if (!targets.has(t.name) || t.dataType !== 7) return t;
    const v = new BigInt64Array(Uint8Array.from(t.rawData).buffer);
    if (v[0] !== 1n) return t;
    const w = BigInt64Array.from(v, (x, i) => (i === 0 ? 0n : x));
    return { ...t, rawData: new Uint8Array(w.buffer) };
  });
  const dim = [{ dimParam: 'n' }, { dimValue: 3 }, { dimParam: 'h' }, { dimParam: 'w' }];
  const input = g.input.map((i) => ({ ...i, type: { tensorType: { elemType: 1, shape: { dim } } } }));
  const output = g.output.map((o) => floatOutput(o.name, 3));
  return { ...model, graph: { ...g, initializer, input, output, valueInfo: [] } };
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

if (!existsSync(CLIP)) {
  console.log(`(no ${CLIP}: batch bench skipped)`);
  process.exit(0);
}
const manifest = loadManifest();
const read = (n: string) => decodeModel(readVerifiedModel(findModel(manifest, n), '../shared/models'));
const baseEntry = findModel(manifest, 'yolox-nano-coco');
const merged = mergeHeads(read('yolox-nano-coco'), [
  { name: 'fire-smoke', model: read('fire-smoke'), output: 'output' },
]);
const session = await ort.InferenceSession.create(encodeModel(batchable(merged)), {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
const outputs = [baseEntry.output.name, headOutputName('fire-smoke', 'output')];

// 8 "cameras": frames 4 s apart, preprocessed once into one contiguous batch-8 buffer
const frames = clipFramesRgb(CLIP, 2, 8, 0.25);
const shape = new FittedInputs(baseEntry.input).for(640, 360);
const [, , H, W] = shape.dims as [number, number, number, number];
const plane = 3 * H * W;
const all = new Float32Array(8 * plane);
frames.forEach((f, i) => {
  shape.pre.run(f);
  all.set(shape.input, i * plane);
});
const tensors = new Map(
  SIZES.map((b) => [b, new ort.Tensor('float32', all.subarray(0, b * plane), [b, 3, H, W])]),
);

// batch b gives the same answer for frame 0 as batch 1 (checked once: a wrong rewrite would not)
const one = (await session.run({ [baseEntry.input.name]: tensors.get(1)! }, outputs))[outputs[0]!]!
  .data as Float32Array;
const eight = (await session.run({ [baseEntry.input.name]: tensors.get(8)! }, outputs))[outputs[0]!]!
  .data as Float32Array;
let maxDiff = 0;
for (let i = 0; i < one.length; i++) maxDiff = Math.max(maxDiff, Math.abs(one[i]! - eight[i]!));

const perFrame = new Map(SIZES.map((b) => [b, [] as number[]]));
for (let r = 0; r < ROUNDS + 1; r++)
  for (const b of SIZES) {
    const t0 = cpuMs();
    for (let k = 0; k < FRAMES_PER_ROUND / b; k++)
      await session.run({ [baseEntry.input.name]: tensors.get(b)! }, outputs);
    if (r > 0) perFrame.get(b)!.push(+((cpuMs() - t0) / FRAMES_PER_ROUND).toFixed(2)); // round 0 warms up
  }
await session.release();
const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
const b1 = mean(perFrame.get(1)!);
console.log(
  `merged base graph (yolox-nano-coco + fire-smoke), ${W}x${H} input, 1 thread, CPU ms per frame (${ROUNDS} alternating rounds of ${FRAMES_PER_ROUND} frames); batch 8 vs 1 max |Δ| ${maxDiff.toExponential(1)}:`,
);
for (const b of SIZES) {
  const m = mean(perFrame.get(b)!);
  console.log(
    `  batch ${b}: ${m.toFixed(2)} ms/frame (${(m / b1).toFixed(2)} × batch 1)  rounds ${perFrame.get(b)!.join(', ')}`,
  );
}
console.log(
  JSON.stringify({
    bench: 'batch',
    input: [W, H],
    maxDiffBatch8VsBatch1: maxDiff,
    cpuMsPerFrame: Object.fromEntries(SIZES.map((b) => [b, +mean(perFrame.get(b)!).toFixed(2)])),
    rounds: Object.fromEntries(perFrame),
  }),
);
