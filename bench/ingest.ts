/**
 * npm run bench:ingest [-- --cameras N --seconds S]
 * N streams-sim cameras (640x360, 25 fps, H.264) read by the real ingest service, twice: decoding every
 * frame, then keyframes only (-skip_frame nokey, for idle cameras). Prints CPU seconds per
 * camera-second of video (ffmpeg readers + this process), frames sampled / delivered / dropped for a
 * deliberately slow consumer, and fault-to-health latency; ends with one JSON line.
 */
import { parseArgs } from 'node:util';
import { validateConfig } from '../src/config/load.ts';
import { IngestService } from '../src/video/ingest/ingest.service.ts';
import type { HealthState } from '../src/video/ingest/types.ts';
import { startSim, type Sim } from '../streams-sim/index.ts';
import { sleep, startBenchPlatform, waitUntil } from './bench-platform.ts';
import { childrenOf, cpuSecondsOf, cpuSecondsOfAll } from './proc-cpu.ts';

const { values } = parseArgs({
  options: { cameras: { type: 'string', default: '4' }, seconds: { type: 'string', default: '20' } },
});
const N = Number(values.cameras);
const SECONDS = Number(values.seconds);

async function phase(sim: Sim, keyframesOnly: boolean) {
  const cameras = sim.cameras.map((id) => ({ id, name: id, url: sim.url(id) }));
  const bench = await startBenchPlatform(cameras, { ingest: { keyframesOnly } });
  const ingest = new IngestService(bench.core);
  // a consumer that takes 1.5 s per frame (a detector falling behind): it must drop, never queue
  const slow = ingest.onFrame('*', async () => {
    await sleep(1500);
  });
  ingest.start();
  const waitAll = (state: HealthState, ids: string[], limit = 20_000) =>
    waitUntil(() => ids.every((id) => ingest.current(id).state === state), limit, 20);
  await waitAll('online', sim.cameras);
  const readers = Object.values(ingest.stats())
    .map((s) => s.pid!)
    .filter(Boolean);
  const cpu0 = new Map(readers.map((p) => [p, cpuSecondsOf(p) ?? 0]));
  const node0 = process.cpuUsage();
  const frames0 = Object.values(ingest.stats()).reduce((a, s) => a + s.frames, 0);
  const slow0 = slow.stats();
  const t0 = Date.now();
  await sleep(SECONDS * 1000);
  const wall = (Date.now() - t0) / 1000;
  const ffmpegCpu = readers.reduce((a, p) => a + ((cpuSecondsOf(p) ?? 0) - cpu0.get(p)!), 0);
  const nodeUse = process.cpuUsage(node0);
  const nodeCpu = (nodeUse.user + nodeUse.system) / 1e6;
  const sampled = Object.values(ingest.stats()).reduce((a, s) => a + s.frames, 0) - frames0;
  const slow1 = slow.stats();
  // fault → health latency, measured on the first two cameras
  const latency = {
    black_detect_ms: null as number | null,
    black_recover_ms: null as number | null,
    drop_detect_ms: null as number | null,
    drop_recover_ms: null as number | null,
  };
  const faults: [string, 'black' | 'drop', HealthState][] = [
    [sim.cameras[0]!, 'black', 'dark'],
    [sim.cameras[1 % N]!, 'drop', 'offline'],
  ];
  await Promise.all(
    faults.map(async ([cam, kind, state]) => {
      await sim.fault(cam, kind);
      latency[`${kind}_detect_ms`] = await waitAll(state, [cam], 10_000);
    }),
  );
  await Promise.all(
    faults.map(async ([cam, kind]) => {
      await sim.fault(cam, 'restore');
      latency[`${kind}_recover_ms`] = await waitAll('online', [cam], 10_000);
    }),
  );
  slow();
  await ingest.stop();
  bench.close();
  const camSeconds = N * wall;
  return {
    mode: keyframesOnly ? 'keyframes-only' : 'full-decode',
    cpu_s_per_camera_s: +((ffmpegCpu + nodeCpu) / camSeconds).toFixed(4),
    ffmpeg_cpu_s_per_camera_s: +(ffmpegCpu / camSeconds).toFixed(4),
    node_cpu_s_per_camera_s: +(nodeCpu / camSeconds).toFixed(4),
    source_frames: Math.round(camSeconds * 25),
    sampled_frames: sampled,
    sampled_fps_per_camera: +(sampled / camSeconds).toFixed(2),
    slow_consumer_delivered: slow1.delivered - slow0.delivered,
    slow_consumer_dropped: slow1.dropped - slow0.dropped,
    ...latency,
  };
}

const sim = await startSim({ cameras: N, port: 0 });
await sleep(1000);
/** streams-sim's CPU so far: its RTSP server and publishers */
const simCpuNow = () => cpuSecondsOfAll([sim.pid, ...childrenOf(sim.pid)]);
const simCpu0 = simCpuNow();
const simT0 = Date.now();
const results = [];
for (const keyframesOnly of [false, true]) {
  const r = await phase(sim, keyframesOnly);
  results.push(r);
  console.log(
    `${r.mode.padEnd(15)} CPU ${r.cpu_s_per_camera_s} s per camera-second (ffmpeg ${r.ffmpeg_cpu_s_per_camera_s}, node ${r.node_cpu_s_per_camera_s}); ` +
      `source ${r.source_frames} frames → sampled ${r.sampled_frames} (${r.sampled_fps_per_camera}/s per camera); ` +
      `slow consumer got ${r.slow_consumer_delivered}, dropped ${r.slow_consumer_dropped}; ` +
      `black→dark ${r.black_detect_ms} ms, drop→offline ${r.drop_detect_ms} ms, back online ${r.black_recover_ms}/${r.drop_recover_ms} ms`,
  );
}
const simCpu = simCpuNow() - simCpu0;
const simPerCam = simCpu / (N * ((Date.now() - simT0) / 1000));
await sim.stop();
const [full, key] = results;
console.log(
  `streams-sim itself: ${simPerCam.toFixed(4)} CPU s per camera-second (RTSP server + -c copy publishers)`,
);
console.log(
  JSON.stringify({
    bench: 'ingest',
    cameras: N,
    seconds: SECONDS,
    width: 640,
    height: 360,
    fps: 25,
    detect_fps: validateConfig({}).ingest.detectFps,
    full_decode: full,
    keyframes_only: key,
    keyframes_cpu_saving:
      full && key ? +(1 - key.cpu_s_per_camera_s / full.cpu_s_per_camera_s).toFixed(3) : null,
    sim_cpu_s_per_camera_s: +simPerCam.toFixed(4),
  }),
);
