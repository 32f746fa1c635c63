/**
 * `npm run bench:models`: milliseconds per frame (hard hat, fire/smoke: whole frame) and per person
 * crop (vest) for the project's own models, one onnxruntime thread, on a real dataset image.
 * Prints numbers; asserts nothing. Run on an idle machine for budget figures.
 */
import { join } from 'node:path';
import { readImageRgb } from '../src/detect/image-file.ts';
import { findModel, loadManifest, PROJECT_ROOT } from '../src/detect/manifest.ts';
import { OwnYoloxHeadDetector } from '../src/detect/plugins/ppe-yolox-head.ts';
import { personCrop, VestClassifier } from '../src/detect/plugins/ppe-vest.ts';

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
