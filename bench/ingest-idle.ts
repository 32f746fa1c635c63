/**
 * npm run bench:ingest-idle [-- --cameras N --seconds S]
 * Decoding CPU of an idle camera with and without `ingest.idleKeyframesOnly`, side by side: 2N
 * streams-sim cameras (640x360, 25 fps H.264, GOP 1 s; the factory clip where present, test patterns
 * otherwise) read by one real IngestService at the same time; N of them switched to keyframes only
 * (what the detection scheduler does to an idle camera), N decoding every frame. Both halves run
 * through the same seconds of the same machine, so the ratio holds even when the machine is busy.
 * Prints CPU seconds per camera-second of each half's ffmpeg readers and sampled frames per second;
 * ends with one JSON line.
 */
import { parseArgs } from 'node:util';
import { IngestService } from '../src/video/ingest/ingest.service.ts';
import { startSim } from '../streams-sim/index.ts';
import { sleep, startBenchPlatform, waitUntil } from './bench-platform.ts';
import { cpuSecondsOf } from './proc-cpu.ts';

const { values } = parseArgs({
  options: { cameras: { type: 'string', default: '4' }, seconds: { type: 'string', default: '20' } },
});
const N = Number(values.cameras);
const SECONDS = Number(values.seconds);

// every camera shows the same picture, so the halves differ only in how they decode
const sim = await startSim({ cameras: 2 * N, port: 0, sources: Array(2 * N).fill({ kind: 'factory' }) });
const bench = await startBenchPlatform(sim.cameras.map((id) => ({ id, name: id, url: sim.url(id) })));
const ingest = new IngestService(bench.core);
ingest.start();
const idle = sim.cameras.filter((_, i) => i % 2 === 1);
const full = sim.cameras.filter((_, i) => i % 2 === 0);
if (
  (await waitUntil(() => sim.cameras.every((id) => ingest.current(id).state === 'online'), 30_000)) === null
)
  throw new Error('cameras did not come online');
for (const id of idle) ingest.setKeyframesOnly(id, true);
while (!idle.every((id) => ingest.decodesKeyframesOnly(id))) await sleep(50);
await sleep(2000); // the old full decoders have ended

const pidOf = (id: string) => ingest.stats()[id]?.pid;
const framesOf = (ids: string[]) => ids.reduce((a, id) => a + (ingest.stats()[id]?.frames ?? 0), 0);
const cpuOf = (ids: string[]) => ids.reduce((a, id) => a + (cpuSecondsOf(pidOf(id) ?? -1) ?? 0), 0);
const pids0 = sim.cameras.map(pidOf).join();
const before = { idle: cpuOf(idle), full: cpuOf(full), idleF: framesOf(idle), fullF: framesOf(full) };
const start = Date.now();
await sleep(SECONDS * 1000);
const wall = (Date.now() - start) / 1000;
const after = { idle: cpuOf(idle), full: cpuOf(full), idleF: framesOf(idle), fullF: framesOf(full) };
if (sim.cameras.map(pidOf).join() !== pids0)
  console.log('(a reader restarted during the run: figures understate)');
const per = (cpu: number) => +(cpu / (N * wall)).toFixed(4);
const r = {
  full_decode_cpu_s_per_camera_s: per(after.full - before.full),
  keyframes_only_cpu_s_per_camera_s: per(after.idle - before.idle),
  full_sampled_fps: +((after.fullF - before.fullF) / (N * wall)).toFixed(2),
  keyframes_sampled_fps: +((after.idleF - before.idleF) / (N * wall)).toFixed(2),
};
await ingest.stop();
bench.close();
await sim.stop();
const saving = 1 - r.keyframes_only_cpu_s_per_camera_s / r.full_decode_cpu_s_per_camera_s;
console.log(
  `${N} cameras decoding every frame: ${r.full_decode_cpu_s_per_camera_s} CPU s per camera-second (${r.full_sampled_fps} frames/s sampled); ` +
    `${N} keyframes only: ${r.keyframes_only_cpu_s_per_camera_s} (${r.keyframes_sampled_fps}/s); ${(saving * 100).toFixed(0)} % less, same ${wall.toFixed(1)} s`,
);
console.log(
  JSON.stringify({ bench: 'ingest-idle', cameras: N, seconds: SECONDS, ...r, saving: +saving.toFixed(3) }),
);
