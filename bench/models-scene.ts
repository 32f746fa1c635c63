/**
 * Part of `npm run bench:models` (#25 "do only the work the scene needs"): the whole default pipeline's
 * CPU per frame on frames with people (the factory clip, one camera at 2 fps, vest answers reused as in
 * the service) and on frames with nobody in view (CCTV photos of the fire-smoke-cctv training split,
 * scaled to the clip's 640×360 so both feed the same 416×256 input), the hard-hat head merged and run
 * on every frame (before) against run only where YOLOX-Nano found a person (after). Alternating rounds,
 * CPU time of the whole process (onnxruntime's threads included), one thread per session.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/vision/detect/manifest.ts';
import { DetectionPipeline } from '../src/vision/detect/pipeline.ts';
import type { RgbImage } from '../src/vision/detect/types.ts';
import { clipFramesRgb } from '../tests/helpers/clip-frame.ts';

const PHOTOS = join(PROJECT_ROOT, '..', 'shared', 'datasets', 'fire-smoke-cctv', 'train', 'images');
/** training-split CCTV frames where YOLOX-Nano finds no person even at score 0.1: one fire, three plain */
const NOBODY = [
  'fire2_mp4-30_jpg.rf.9cdc1ddb2168f71ca95b435bf5f87732.jpg',
  'img_1014_jpg.rf.7d660f813d6e9e49306e31ffa44f04b2.jpg',
  'img_1018_jpg.rf.9fcf1b189752b0e471fca7cbaa3e2632.jpg',
  'img_1046_jpg.rf.2dd1e9a6b205b94b52fdf81f643edbf7.jpg',
];

/** A photo scaled to width×height, packed RGB24 (ffmpeg); null when the dataset is absent. */
function photoRgb(file: string, width: number, height: number): RgbImage | null {
  if (!existsSync(join(PHOTOS, file))) return null;
  const args = ['-v', 'error', '-i', join(PHOTOS, file), '-vf', `scale=${width}:${height}`];
  const data = execFileSync('ffmpeg', [...args, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  return { width, height, data };
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export interface SceneRound {
  people: { before: number; after: number };
  nobody: { before: number; after: number };
}

export async function benchScene(clip: string, modelsDir: string): Promise<SceneRound[] | null> {
  const people = clipFramesRgb(clip, 30, 20, 2);
  const nobody = NOBODY.map((p) => photoRgb(p, 640, 360)).filter((f): f is RgbImage => f !== null);
  if (nobody.length === 0) {
    console.log(`(no ${PHOTOS}: scene comparison skipped)`);
    return null;
  }
  const before = await DetectionPipeline.create({ modelsDir, threads: 1, gateHeads: false });
  const after = await DetectionPipeline.create({ modelsDir, threads: 1 });
  let camera = 0;
  /** CPU ms per frame over `frames` (one camera at 2 fps: vest answers reused as in the service) */
  const perFrame = async (p: DetectionPipeline, frames: readonly RgbImage[], reps: number) => {
    const key = `cam-${camera++}`;
    const t0 = cpuMs();
    for (let r = 0; r < reps; r++)
      for (const [i, f] of frames.entries()) await p.detect(f, { key, ts: (r * frames.length + i) * 500 });
    return +((cpuMs() - t0) / (frames.length * reps)).toFixed(2);
  };
  for (const p of [before, after]) await perFrame(p, nobody, 1);
  const rounds: SceneRound[] = [];
  for (let r = 0; r < 3; r++) {
    const pb = await perFrame(before, people, 1);
    const pa = await perFrame(after, people, 1);
    const nb = await perFrame(before, nobody, 5);
    const na = await perFrame(after, nobody, 5);
    rounds.push({ people: { before: pb, after: pa }, nobody: { before: nb, after: na } });
  }
  const counts = after.counts();
  await before.close();
  await after.close();
  const mean = (k: 'people' | 'nobody', w: 'before' | 'after') =>
    rounds.reduce((a, x) => a + x[k][w], 0) / rounds.length;
  console.log(`default pipeline (${after.names.join(' + ')}), CPU ms per 640x360 frame, 1 thread, 3 rounds:`);
  console.log('                          hard-hat head every frame   only with a person');
  for (const k of ['people', 'nobody'] as const)
    console.log(
      `  ${k === 'people' ? 'factory clip (~6 people)' : 'nobody in view (4 photos)'}  ${mean(k, 'before').toFixed(1).padStart(8)}                ${mean(k, 'after').toFixed(1).padStart(8)}`,
    );
  console.log(`  counts (gated pipeline): ${JSON.stringify(counts)}`);
  console.log(JSON.stringify({ bench: 'models', scene: { rounds, counts } }));
  return rounds;
}
