/**
 * npm run bench:frames — where the main thread's and the inference workers' time goes on the real
 * frame path: the factory clip (one ffmpeg per camera, -re, looped) → IngestService (one ffmpeg per camera) → onFrame('*', lent) →
 * DetectScheduler mailbox → InferencePool (SharedArrayBuffer) → worker, with the modes side by side:
 *   fresh   — the path before: stdout pipe (a new ≤64 KB buffer per read) and a new 691 KB buffer per frame
 *   pooled  — frames read through a socket into one buffer and assembled in pooled, leased buffers
 *   +niceN  — the same with ingest.decoderNice N (decoders N steps nicer than the service)
 * Modes alternate in short slices (--rounds R × --slice S seconds) on the same cameras and workers,
 * because the machine is shared. Per slice: main-thread GC pause time (PerformanceObserver 'gc') and
 * main-thread CPU (its own schedstat), frame buffers allocated vs reused, inferred and offered frames/s,
 * per inferred frame the worker's wall time, its thread CPU and its run-queue wait (workerCpuMs,
 * workerWaitMs), p95 frame-to-result, decoders' CPU. --evidence also feeds every frame to evidence's
 * RecentFrames, as the service does. Flags: --cameras N (8), --fps F (25 per camera sampled; the
 * scheduler then infers as fast as the workers go), --modes fresh,pooled,pooled+nice5, --models a,b.
 * Ends with one JSON line.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { RecentFrames } from '../src/video/evidence/recent-frames.ts';
import { IngestService } from '../src/video/ingest/ingest.service.ts';
import { PROJECT_ROOT } from '../src/vision/detect/manifest.ts';
import { createDetectMetrics } from '../src/vision/detect/detect-metrics.ts';
import { DetectScheduler } from '../src/vision/detect/scheduler.ts';
import { defaultDetectConfig } from '../src/vision/detect/settings.ts';
import { InferencePool } from '../src/vision/detect/worker/inference-pool.ts';
import { ThreadClock } from '../src/vision/detect/worker/thread-cpu.ts';
import { sleep, startBenchPlatform, waitUntil } from './bench-platform.ts';
import { tapPoolResults } from './pool-tap.ts';
import { cpuSecondsOfAll } from './proc-cpu.ts';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
};
const CAMERAS = Number(arg('cameras', '8'));
const FPS = Number(arg('fps', '25'));
const SLICE = Number(arg('slice', '6'));
const ROUNDS = Number(arg('rounds', '3'));
const MODES = arg('modes', 'fresh,pooled,pooled+nice5').split(',');
const MODELS = arg('models', 'yolox-nano-coco').split(',');
const EVIDENCE = process.argv.includes('--evidence');
const cfg = defaultDetectConfig();
const r2 = (v: number) => Math.round(v * 100) / 100;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((p / 100) * (xs.length - 1))] ?? NaN;

interface Slice {
  mode: string;
  gcMsPerS: number;
  mainCpuCores: number;
  bufAllocPerS: number;
  bufReusedPerS: number;
  offeredPerS: number;
  inferredPerS: number;
  workerWallMs: number;
  workerCpuMs: number;
  workerWaitMs: number;
  p95Ms: number;
  decoderCores: number;
}

const modeOf = (m: string) => ({
  frameBuffers: m.startsWith('fresh') ? ('fresh' as const) : ('pooled' as const),
  decoderNice: Number(/nice(\d+)/.exec(m)?.[1] ?? 0),
});

async function slice(mode: string, urls: string[], pool: InferencePool): Promise<Slice> {
  const bench = await startBenchPlatform(
    urls.map((url, i) => ({ id: `cam-${i + 1}`, name: `cam ${i + 1}`, url })),
    { evidence: { clips: false }, ingest: { detectFps: FPS, ...modeOf(mode) } },
    'jianhu-bench-frames-',
  );
  // no metrics: the main-thread path measured stays what earlier runs measured (no ingest gauges)
  const { config, db, bus, clock, logger } = bench.core;
  const ingest = new IngestService({ config, db, bus, clock, logger });
  const settings = {
    activeFps: 1000,
    idleFps: 1000,
    peopleHoldMs: 0,
    motionHoldMs: 0,
    motionCells: 2,
    maxFrameAgeMs: 1000,
  };
  const sched = new DetectScheduler(pool, settings, createDetectMetrics(new Registry()));
  const evidence = EVIDENCE ? new RecentFrames(3000, 90) : undefined;
  let measuring = false;
  const per = { wall: [] as number[], cpu: [] as number[], wait: [] as number[], lat: [] as number[] };
  let offered = 0;
  sched.onResult((r) => {
    if (!measuring) return;
    per.wall.push(r.inferMs);
    per.cpu.push(r.workerCpuMs ?? NaN);
    per.lat.push(r.latencyMs);
  });
  // the wait is on the pool's result only; read it there without touching the service's types
  const untap = tapPoolResults(pool, (r) => {
    if (measuring) per.wait.push(r.workerWaitMs ?? NaN);
  });
  const started = new Set<string>();
  ingest.onFrame(
    '*',
    (f) => {
      started.add(f.cameraId);
      if (measuring) offered++;
      evidence?.push(f);
      sched.offer(f);
    },
    { lent: true },
  );
  ingest.start();
  await waitUntil(() => started.size >= urls.length, 30_000, 100);
  await sleep(1500); // settle
  const pids = () =>
    Object.values(ingest.stats())
      .map((s) => s.pid)
      .filter((p): p is number => p !== undefined);
  const bufs = () =>
    Object.values(ingest.stats()).reduce(
      (a, s) => ({
        alloc: a.alloc + (s.buffers ? s.buffers.allocated : s.frames),
        reused: a.reused + (s.buffers?.reused ?? 0),
      }),
      { alloc: 0, reused: 0 },
    );
  let gcMs = 0;
  const obs = new PerformanceObserver((l) => {
    for (const e of l.getEntries()) gcMs += e.duration;
  });
  const main = new ThreadClock();
  const b0 = bufs();
  const dec0 = cpuSecondsOfAll(pids());
  const c0 = main.read();
  obs.observe({ entryTypes: ['gc'] });
  measuring = true;
  const t0 = performance.now();
  await sleep(SLICE * 1000);
  measuring = false;
  const s = (performance.now() - t0) / 1000;
  obs.disconnect();
  const c1 = main.read();
  const b1 = bufs();
  const decoderCores = (cpuSecondsOfAll(pids()) - dec0) / s;
  main.close();
  untap();
  sched.stop();
  await ingest.stop();
  bench.close();
  return {
    mode,
    gcMsPerS: gcMs / s,
    mainCpuCores: c0 && c1 ? (c1.cpuNs - c0.cpuNs) / 1e9 / s : NaN,
    bufAllocPerS: (b1.alloc - b0.alloc) / s,
    bufReusedPerS: (b1.reused - b0.reused) / s,
    offeredPerS: offered / s,
    inferredPerS: per.wall.length / s,
    workerWallMs: mean(per.wall),
    workerCpuMs: mean(per.cpu),
    workerWaitMs: mean(per.wait),
    p95Ms: pct(per.lat, 95),
    decoderCores,
  };
}

async function main(): Promise<void> {
  const log = (l: string) => process.stdout.write(`${l}\n`);
  const load0 = loadavg().map(r2);
  log(
    `bench:frames — ${CAMERAS} cameras × ${FPS} fps sampled, ${MODELS.join('+')}, ${cpus().length} cores, load ${load0.join(' ')}, ${new Date().toISOString()}`,
  );
  // the factory clip read by each camera's own ffmpeg (-re, looped: the file camera source), not
  // streams-sim: the same decoding, without an RTSP server that falls over on a machine at load 20+
  const clip = `${PROJECT_ROOT}../shared/clips/press-shop-cctv.mp4`;
  if (!existsSync(clip)) throw new Error(`clip not found: ${clip} (../shared/README-models-and-data.md)`);
  const urls = Array.from({ length: CAMERAS }, () => clip);
  const pool = await InferencePool.start(cfg.sessions, {
    models: MODELS,
    modelsDir: cfg.modelsDir,
    threads: cfg.threads,
  });
  const slices: Slice[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++)
      for (const m of MODES) {
        const x = await slice(m, urls, pool);
        slices.push(x);
        log(
          `  round ${r + 1} ${m.padEnd(13)} GC ${x.gcMsPerS.toFixed(1)} ms/s, main thread ${x.mainCpuCores.toFixed(3)} core, frame buffers new ${x.bufAllocPerS.toFixed(1)}/s reused ${x.bufReusedPerS.toFixed(1)}/s | offered ${x.offeredPerS.toFixed(0)}/s inferred ${x.inferredPerS.toFixed(1)}/s | worker wall ${x.workerWallMs.toFixed(1)} cpu ${x.workerCpuMs.toFixed(1)} wait ${x.workerWaitMs.toFixed(1)} ms/frame | p95 ${x.p95Ms.toFixed(0)} ms | decoders ${x.decoderCores.toFixed(2)} core`,
        );
      }
  } finally {
    await pool.close();
  }
  const by = Object.fromEntries(
    MODES.map((m) => {
      const xs = slices.filter((x) => x.mode === m);
      const med = (f: (x: Slice) => number) => r2(pct(xs.map(f), 50));
      return [
        m,
        {
          gcMsPerS: med((x) => x.gcMsPerS),
          mainCpuMsPerFrame: med((x) => (1000 * x.mainCpuCores) / x.offeredPerS),
          mainCpuCores: med((x) => x.mainCpuCores),
          bufAllocPerS: med((x) => x.bufAllocPerS),
          offeredPerS: med((x) => x.offeredPerS),
          inferredPerS: med((x) => x.inferredPerS),
          workerWallMs: med((x) => x.workerWallMs),
          workerCpuMs: med((x) => x.workerCpuMs),
          workerWaitMs: med((x) => x.workerWaitMs),
          p95Ms: med((x) => x.p95Ms),
          decoderCores: med((x) => x.decoderCores),
        },
      ];
    }),
  );
  log('medians per mode:');
  for (const [m, v] of Object.entries(by)) log(`  ${m.padEnd(13)} ${JSON.stringify(v)}`);
  log(
    JSON.stringify({
      bench: 'frames',
      date: new Date().toISOString(),
      cameras: CAMERAS,
      fps: FPS,
      models: MODELS,
      evidence: EVIDENCE,
      rounds: ROUNDS,
      sliceS: SLICE,
      modes: by,
      loadavg: [load0, loadavg().map(r2)],
    }),
  );
}

await main();
