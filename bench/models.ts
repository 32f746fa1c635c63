/**
 * `npm run bench:models`: milliseconds per frame (hard hat, fire/smoke: whole frame) and per person
 * crop (vest) for the project's own models, one onnxruntime thread, on a real dataset image.
 * Then the default pipeline's whole-frame stage (YOLOX-Nano + hard hat + fire/smoke) on a 640×360
 * factory-clip frame, each model alone vs merged on one backbone pass (detect.shareBackbone), in
 * alternating rounds so both see the same machine; prints both and their ratio, then one JSON line;
 * last, the whole default pipeline with and without the `arc` head (arc-cost.ts).
 * Prints numbers; asserts nothing. Run on an idle machine for budget figures.
 */
import { existsSync } from 'node:fs';
import { benchScene } from './models-scene.ts';
import { benchVestReuse } from './models-vest-reuse.ts';
import { DetectionPipeline } from '../src/vision/detect/pipeline.ts';
import { clipFrameRgb, clipFramesRgb } from '../tests/helpers/clip-frame.ts';
import { arcCost } from './arc-cost.ts';
import { VestClassifier as Vest } from '../src/vision/detect/plugins/ppe-vest.ts';
import { join } from 'node:path';
import { readImageRgb } from '../src/vision/detect/image-file.ts';
import { findModel, loadManifest, PROJECT_ROOT } from '../src/vision/detect/manifest.ts';
import { OwnYoloxHeadDetector } from '../src/vision/detect/plugins/ppe-yolox-head.ts';
import { personCrop, VestClassifier } from '../src/vision/detect/plugins/ppe-vest.ts';

const N = Number(process.env.JH_BENCH_N ?? 30);
const image = await readImageRgb(
  join(
    PROJECT_ROOT,
    '..',
    'shared',
    'datasets',
    'hard-hat-workers',
    'images',
    'test',
    'hard_hat_workers102.jpg',
  ),
);
const manifest = loadManifest();
const ctx = { modelsDir: '../shared/models', threads: 1, settings: {} };

async function time(label: string, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 3; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  console.log(
    `${label.padEnd(34)} mean ${mean.toFixed(1)} ms  p50 ${ms[Math.floor(N / 2)]?.toFixed(1)} ms  p90 ${ms[Math.floor(N * 0.9)]?.toFixed(1)} ms  (n=${N}, 1 thread)`,
  );
}

for (const name of ['ppe-hardhat', 'fire-smoke']) {
  const d = new OwnYoloxHeadDetector(findModel(manifest, name), ctx);
  await d.init();
  await time(`${name} per ${image.width}x${image.height} frame`, () => d.detect(image));
  await d.close();
}
const vest = new VestClassifier(findModel(manifest, 'ppe-vest'), ctx);
await vest.init();
const crop = (await personCrop(image, [100, 50, 200, 300])) as Float32Array;
await time('ppe-vest per person crop (model)', () => vest.probability(crop));
await time('ppe-vest per person (crop + model)', () =>
  vest.detect(image, [{ label: 'person', score: 0.9, box: [100, 50, 200, 300] }]),
);
await vest.close();

const CLIP = join(PROJECT_ROOT, '..', 'shared', 'clips', 'press-shop-cctv.mp4');
if (existsSync(CLIP)) {
  const frame = clipFrameRgb(CLIP, 30);
  const models = ['yolox-nano-coco', 'ppe-hardhat', 'fire-smoke'];
  const opts = { models, modelsDir: '../shared/models', threads: 1 };
  const shared = await DetectionPipeline.create(opts);
  const alone = await DetectionPipeline.create({ ...opts, shareBackbone: false });
  const perFrame = async (p: DetectionPipeline, n: number): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await p.detect(frame);
    return (performance.now() - t0) / n;
  };
  await perFrame(shared, 3);
  await perFrame(alone, 3);
  const rounds: { alone: number; shared: number }[] = [];
  for (let r = 0; r < 3; r++)
    rounds.push({
      alone: +(await perFrame(alone, N)).toFixed(2),
      shared: +(await perFrame(shared, N)).toFixed(2),
    });
  await shared.close();
  await alone.close();
  const mean = (k: 'alone' | 'shared') => rounds.reduce((a, x) => a + x[k], 0) / rounds.length;
  console.log(`default whole-frame stage (${models.join(' + ')}) on a 640x360 frame, 1 thread:`);
  console.log(`  each model alone           ${mean('alone').toFixed(1)} ms/frame`);
  console.log(`  merged, one backbone pass  ${mean('shared').toFixed(1)} ms/frame`);
  console.log(
    `  ratio alone/merged         ${(mean('alone') / mean('shared')).toFixed(2)} (3 alternating rounds of ${N})`,
  );
  console.log(
    JSON.stringify({
      bench: 'models',
      defaultStage1: {
        models,
        aloneMs: +mean('alone').toFixed(2),
        sharedMs: +mean('shared').toFixed(2),
        rounds,
      },
    }),
  );

  // detect.inputSize: the merged stage at larger inputs, side by side on 20 frames (one a second),
  // with what each finds per frame (no labels on the clip: counts, not accuracy)
  const sizes = [416, 512, 576];
  const sample = clipFramesRgb(CLIP, 5, 20, 1);
  const bySize = await Promise.all(
    sizes.map((inputSize) => DetectionPipeline.create({ ...opts, inputSize })),
  );
  // one pass to count what each size finds, then TIMED alternating rounds for its cost
  const TIMED = 2;
  const sizeRounds = sizes.map(() => ({ ms: 0, found: {} as Record<string, number> }));
  for (const [k, p] of bySize.entries())
    for (const f of sample)
      for (const d of await p.detect(f))
        sizeRounds[k]!.found[d.label] = (sizeRounds[k]!.found[d.label] ?? 0) + 1 / sample.length;
  for (let r = 0; r < TIMED; r++)
    for (const [k, p] of bySize.entries()) {
      const t0 = performance.now();
      for (const f of sample) await p.detect(f);
      sizeRounds[k]!.ms += (performance.now() - t0) / sample.length / TIMED;
    }
  for (const p of bySize) await p.close();
  console.log(
    `merged stage by detect.inputSize (${sample.length} frames, 1 thread; boxes per frame at shipped thresholds):`,
  );
  for (const [k, size] of sizes.entries()) {
    const f = sizeRounds[k]!.found;
    const labels = Object.keys(f)
      .sort()
      .map((l) => `${l} ${f[l]!.toFixed(2)}`)
      .join(', ');
    console.log(`  ${size}: ${sizeRounds[k]!.ms.toFixed(1)} ms/frame; ${labels}`);
  }
  console.log(
    JSON.stringify({
      bench: 'models',
      inputSize: sizes.map((size, k) => ({
        size,
        ms: +sizeRounds[k]!.ms.toFixed(2),
        perFrame: sizeRounds[k]!.found,
      })),
    }),
  );

  // The whole default pipeline (merged stage 1 + vest on every person) on 20 frames of one camera
  // sampled at 2 fps: vest answers reused per camera (options.reuseMs 2000) vs classified every frame.
  const frames = clipFramesRgb(CLIP, 30, 20, 2);
  const full = await DetectionPipeline.create({ modelsDir: '../shared/models', threads: 1 });
  const stage2 = full.stage2.find((d): d is Vest => d instanceof Vest)!;
  const run = async (withCamera: boolean, t0: number) => {
    const runs0 = stage2.runs;
    const start = performance.now();
    for (const [i, f] of frames.entries())
      await full.detect(f, withCamera ? { key: `cam-${t0}`, ts: t0 + i * 500 } : undefined);
    return { ms: (performance.now() - start) / frames.length, crops: (stage2.runs - runs0) / frames.length };
  };
  await run(false, 0);
  const vestRounds: { every: number; reuse: number; cropsEvery: number; cropsReuse: number }[] = [];
  for (let r = 0; r < 2; r++) {
    const a = await run(false, 0);
    const b = await run(true, (r + 1) * 1e6);
    vestRounds.push({
      every: +a.ms.toFixed(1),
      reuse: +b.ms.toFixed(1),
      cropsEvery: a.crops,
      cropsReuse: b.crops,
    });
  }
  await full.close();
  const avg = (k: 'every' | 'reuse') => vestRounds.reduce((x, r) => x + r[k], 0) / vestRounds.length;
  console.log(
    `default pipeline incl. vest, ${frames.length} frames of one camera at 2 fps (${full.names.join(' + ')}):`,
  );
  console.log(
    `  vest on every person, every frame  ${avg('every').toFixed(1)} ms/frame (${vestRounds[0]!.cropsEvery.toFixed(1)} crops/frame)`,
  );
  console.log(
    `  vest answers reused ≤ 2 s          ${avg('reuse').toFixed(1)} ms/frame (${vestRounds[0]!.cropsReuse.toFixed(1)} crops/frame)`,
  );
  console.log(JSON.stringify({ bench: 'models', defaultPipelineWithVest: vestRounds }));

  // #25: the default pipeline on frames with people and with nobody, hard-hat head every frame vs gated
  await benchScene(CLIP, '../shared/models');
  await benchVestReuse(CLIP, '../shared/models');

  // what the arc head (#28, hot work) adds to the default pipeline, same frames
  console.log(JSON.stringify({ bench: 'models', arc: await arcCost(frames) }));
} else console.log(`(no ${CLIP}: default-pipeline comparison skipped)`);
