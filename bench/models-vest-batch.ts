/**
 * `npm run bench:vest-batch` (#25): CPU per person crop of the vest model, one run per crop against the
 * crops of a frame in one run (batch 1, 2, 4, 6, 8), on real people of the factory clip, one thread.
 * The batched graph is the one the classifier uses (onnx/batchable.ts); its answers are checked against
 * the shipped graph's before timing. Batches alternate in rounds so drift on a shared machine hits all.
 */
import { existsSync, readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { makeBatchable } from '../src/vision/detect/onnx/batchable.ts';
import { decodeModel, encodeModel } from '../src/vision/detect/onnx/onnx-model.ts';
import { DetectionPipeline } from '../src/vision/detect/pipeline.ts';
import { cropBatch } from '../src/vision/detect/plugins/ppe-vest.ts';
import { personCropsAt } from '../tests/helpers/clip-frame.ts';

const CLIP = '../shared/clips/press-shop-cctv.mp4';
const MODELS = '../shared/models';
if (!existsSync(CLIP) || !existsSync(MODELS)) {
  console.error('bench:vest-batch needs ../shared (the factory clip and YOLOX-Nano)');
  process.exit(1);
}

const people = await DetectionPipeline.create({ models: ['yolox-nano-coco'], modelsDir: MODELS, threads: 1 });
const crops = await personCropsAt(CLIP, [5, 15, 25, 35], (f) => people.detect(f));
await people.close();

const bytes = readFileSync('models/ppe-vest.onnx');
const model = decodeModel(bytes);
makeBatchable(model);
const opts = { intraOpNumThreads: 1, interOpNumThreads: 1 };
const shipped = await ort.InferenceSession.create(bytes, opts);
const batched = await ort.InferenceSession.create(encodeModel(model), opts);
const run = async (s: ort.InferenceSession, cs: Float32Array[]) => {
  const out = await s.run({ 'inputs:0': cropBatch(cs) });
  return Array.from(out.p_vest!.data as Float32Array);
};
const single: number[] = [];
for (const c of crops) single.push(...(await run(shipped, [c])));
const together = await run(batched, crops);
const maxDiff = Math.max(...together.map((p, i) => Math.abs(p - single[i]!)));

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sizes = [1, 2, 4, 6, 8];
const spent = new Map(sizes.map((n) => [n, { ms: 0, crops: 0 }]));
for (let round = 0; round < 6; round++)
  for (const n of sizes) {
    const s = spent.get(n)!;
    for (let i = 0; i + n <= crops.length; i += n) {
      const c0 = cpuMs();
      await run(n === 1 ? shipped : batched, crops.slice(i, i + n));
      if (round > 0) {
        s.ms += cpuMs() - c0;
        s.crops += n;
      }
    }
  }
await shipped.release();
await batched.release();
const perCrop = Object.fromEntries(
  sizes.map((n) => [n, +(spent.get(n)!.ms / spent.get(n)!.crops).toFixed(2)]),
);
console.log(
  `vest model, ${crops.length} real person crops, 1 thread; batched answers vs shipped: max |Δp| ${maxDiff.toExponential(1)}`,
);
for (const n of sizes)
  console.log(
    `  batch ${n}: ${perCrop[n]} ms CPU per crop (${(perCrop[n]! / perCrop[1]!).toFixed(2)} of one run per crop)`,
  );
console.log(
  JSON.stringify({
    bench: 'vest-batch',
    date: new Date().toISOString(),
    crops: crops.length,
    maxDiff,
    cpuMsPerCrop: perCrop,
  }),
);
