/**
 * `npm run bench:vest-head`: what the opt-in `ppe-vest-head` (the vest as a head on the shared backbone,
 * models/ppe-vest-head.card.md) costs per frame against the default vest stage (`ppe-vest`, one crop per
 * person). The factory clip from 30 s at 2 fps (13 frames: it ends at 36.8 s), one onnxruntime thread,
 * alternating rounds, CPU time of the whole process per frame:
 *   stage 1      YOLOX-Nano + hard hat + fire/smoke merged (the default pipeline without ppe-vest)
 *   + head       the same with ppe-vest-head merged in (gated on a person, as the hard-hat head)
 *   + crops      the default pipeline, vest classified on every person of every frame (no camera key)
 *   + crops, reuse  the default pipeline as the service runs it (answers reused per camera ≤ 2 s)
 * Prints numbers and one JSON line; asserts nothing. Run on an idle machine for budget figures.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifest, PROJECT_ROOT } from '../src/vision/detect/manifest.ts';
import { DetectionPipeline, defaultModelNames } from '../src/vision/detect/pipeline.ts';
import type { RgbImage } from '../src/vision/detect/types.ts';
import { clipFramesRgb } from '../tests/helpers/clip-frame.ts';

const CLIP = join(PROJECT_ROOT, '..', 'shared', 'clips', 'press-shop-cctv.mp4');
const ROUNDS = Number(process.env.JH_BENCH_ROUNDS ?? 3);

interface PerFrame {
  cpuMs: number;
  crops: number;
}

async function perFrame(
  p: DetectionPipeline,
  frames: readonly RgbImage[],
  camera?: string,
): Promise<PerFrame> {
  const runs0 = p.counts()['ppe-vest.runs'] ?? 0;
  const cpu0 = process.cpuUsage();
  for (const [i, f] of frames.entries())
    await p.detect(f, camera === undefined ? undefined : { key: camera, ts: i * 500 });
  const cpu = process.cpuUsage(cpu0);
  return {
    cpuMs: (cpu.user + cpu.system) / 1000 / frames.length,
    crops: ((p.counts()['ppe-vest.runs'] ?? 0) - runs0) / frames.length,
  };
}

if (!existsSync(CLIP)) console.log(`(no ${CLIP}: skipped)`);
else {
  const frames = clipFramesRgb(CLIP, 30, 20, 2);
  const withCrops = defaultModelNames(loadManifest());
  const stage1 = withCrops.filter((n) => n !== 'ppe-vest');
  const opts = { modelsDir: '../shared/models', threads: 1 };
  const pipes = {
    stage1: await DetectionPipeline.create({ ...opts, models: stage1 }),
    head: await DetectionPipeline.create({ ...opts, models: [...stage1, 'ppe-vest-head'] }),
    crops: await DetectionPipeline.create({ ...opts, models: withCrops }),
  };
  let cam = 0;
  const round = async () => ({
    stage1: await perFrame(pipes.stage1, frames),
    head: await perFrame(pipes.head, frames),
    crops: await perFrame(pipes.crops, frames),
    cropsReuse: await perFrame(pipes.crops, frames, `cam-${cam++}`),
  });
  await round(); // warm-up
  const rounds: Awaited<ReturnType<typeof round>>[] = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await round());
  for (const p of Object.values(pipes)) await p.close();
  const mean = (k: keyof (typeof rounds)[number], f: keyof PerFrame) =>
    rounds.reduce((a, x) => a + x[k][f], 0) / rounds.length;
  const s1 = mean('stage1', 'cpuMs');
  const perCrop = (mean('crops', 'cpuMs') - s1) / mean('crops', 'crops');
  console.log(
    `${frames.length} frames of ${CLIP} at 2 fps, ${ROUNDS} alternating rounds, CPU ms per frame, 1 thread:`,
  );
  console.log(`  stage 1 (${stage1.join(' + ')})  ${s1.toFixed(2)}`);
  console.log(
    `  + ppe-vest-head                   ${mean('head', 'cpuMs').toFixed(2)} (+${(mean('head', 'cpuMs') - s1).toFixed(2)})`,
  );
  console.log(
    `  + ppe-vest, every person           ${mean('crops', 'cpuMs').toFixed(2)} (${mean('crops', 'crops').toFixed(2)} crops/frame, ${perCrop.toFixed(2)} ms per crop)`,
  );
  console.log(
    `  + ppe-vest, reused per camera      ${mean('cropsReuse', 'cpuMs').toFixed(2)} (${mean('cropsReuse', 'crops').toFixed(2)} crops/frame)`,
  );
  console.log(JSON.stringify({ bench: 'vest-head', frames: frames.length, rounds, perCrop }));
}
