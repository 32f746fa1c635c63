/**
 * npm run bench:detect — the detection runtime's figures, in one run:
 *  (a) bare: `sessions` worker threads looping onnxruntime on YOLOX-Nano (1 intra-op thread each) — the limit;
 *  (b) service path: cameras (ffmpeg decoding 640×360 25 fps streams) → mailbox → scheduler → worker
 *      pool → preprocess + infer + decode → boxes, saturated; per-frame ms and ratio to (a);
 *  (c) capacity: N cameras at 2 detections/s each, stepping N up until p95 frame-to-result > 1.5 s or
 *      the cameras no longer get their 2/s.
 * Flags: --seconds S (per phase, default 8), --sessions K, --threads T, --fps OUT (frames per second
 * piped out of each decoder, default 5), --steps 8,16,24,32. Ends with one JSON line.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { cpus, loadavg } from 'node:os';
import { Registry } from 'prom-client';
import { findModel, loadManifest, modelPath, PROJECT_ROOT } from '../src/detect/manifest.ts';
import { createDetectMetrics, DetectScheduler } from '../src/detect/scheduler.ts';
import { defaultDetectConfig } from '../src/detect/settings.ts';
import { InferencePool } from '../src/detect/worker/inference-pool.ts';
import { startFeeds } from './detect-feed.ts';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
};
const cfg = defaultDetectConfig();
const SECONDS = Number(arg('seconds', '8'));
const SESSIONS = Number(arg('sessions', String(cfg.sessions)));
const THREADS = Number(arg('threads', String(cfg.threads)));
const OUT_FPS = Number(arg('fps', '5'));
const STEPS = arg('steps', '8,16,24,32').split(',').map(Number);
const MODEL = 'yolox-nano-coco';
const W = 640;
const H = 360;
const CLIP = `${PROJECT_ROOT}../shared/clips/press-shop-cctv.mp4`;

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r1 = (v: number): number => Math.round(v * 10) / 10;

async function bare(): Promise<{ fps: number; msPerFrame: number }> {
  const entry = findModel(loadManifest(), MODEL);
  const workerData = {
    model: modelPath(entry, cfg.modelsDir),
    dims: [1, 3, entry.input.height, entry.input.width],
    inputName: entry.input.name,
    threads: THREADS,
    seconds: SECONDS,
  };
  const workers = Array.from(
    { length: SESSIONS },
    () => new Worker(new URL('./detect-bare-worker.mjs', import.meta.url), { workerData }),
  );
  const next = (w: Worker) => new Promise<{ n?: number }>((res) => w.once('message', res));
  await Promise.all(workers.map(next));
  const t0 = performance.now();
  const done = workers.map(next);
  workers.forEach((w) => w.postMessage('go'));
  const n = (await Promise.all(done)).reduce((a, m) => a + (m.n ?? 0), 0);
  const fps = n / ((performance.now() - t0) / 1000);
  await Promise.all(workers.map((w) => w.terminate()));
  return { fps, msPerFrame: 1000 / fps };
}

async function cameraInputs(
  n: number,
): Promise<{ inputs: string[]; source: string; stop: () => Promise<void> }> {
  const simPath = `${PROJECT_ROOT}streams-sim/index.ts`;
  if (existsSync(simPath) && !process.argv.includes('--file')) {
    try {
      // streams-sim's startSim (typed locally so this file compiles before streams-sim lands)
      const sim = (await import(simPath)) as {
        startSim(o: { cameras: number; sources: { kind: 'factory' }[] }): Promise<{
          url(cam: number): string;
          stop(): Promise<void>;
        }>;
      };
      const s = await sim.startSim({
        cameras: n,
        sources: Array.from({ length: n }, () => ({ kind: 'factory' as const })),
      });
      return {
        inputs: Array.from({ length: n }, (_, i) => s.url(i + 1)),
        source: 'streams-sim RTSP',
        stop: () => s.stop(),
      };
    } catch (e) {
      process.stderr.write(`streams-sim unavailable (${(e as Error).message}); reading the clip file\n`);
    }
  }
  if (!existsSync(CLIP)) throw new Error(`clip not found: ${CLIP} (see ../shared/README-models-and-data.md)`);
  return {
    inputs: Array.from({ length: n }, () => CLIP),
    source: 'ffmpeg -re on the clip file',
    stop: async () => {},
  };
}

interface RunFigures {
  cameras: number;
  inferredPerS: number;
  perCameraPerS: number;
  p50Ms: number;
  p95Ms: number;
  /** mean time inside the worker per frame (preprocess + infer + decode) */
  workerMs: number;
  framesIn: number;
  counts: Record<string, number>;
}

/** Runs `cameras` feeds through the real scheduler and pool for SECONDS; `rate` 0 = saturate. */
async function servicePath(pool: InferencePool, cameras: number, rate: number): Promise<RunFigures> {
  const saturate = rate === 0;
  const settings = {
    activeFps: saturate ? 1000 : rate,
    idleFps: saturate ? 1000 : rate,
    peopleHoldMs: 0,
    maxFrameAgeMs: saturate ? 1000 : 1500,
  };
  const sched = new DetectScheduler(pool, settings, createDetectMetrics(new Registry()));
  const latencies: number[] = [];
  const infer: number[] = [];
  let measuring = false;
  sched.onResult((r) => {
    if (!measuring) return;
    latencies.push(r.latencyMs);
    infer.push(r.inferMs);
  });
  const { inputs, source, stop } = await cameraInputs(cameras);
  const feed = startFeeds({
    inputs,
    outFps: saturate ? 25 : OUT_FPS,
    width: W,
    height: H,
    onFrame: (f) => sched.offer(f),
  });
  if (!(await feed.allStarted(30_000)))
    process.stderr.write('  warning: not every camera delivered frames within 30 s\n');
  await new Promise((r) => setTimeout(r, 1000)); // settle
  const before = { ...sched.counts };
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  const counts = Object.fromEntries(
    Object.entries(sched.counts).map(([k, v]) => [k, v - before[k as keyof typeof before]]),
  );
  sched.stop();
  await feed.stop();
  await stop();
  process.stderr.write(`  (${source})\n`);
  const inferred = counts.inferred ?? 0;
  return {
    cameras,
    inferredPerS: inferred / elapsed,
    perCameraPerS: inferred / elapsed / cameras,
    p50Ms: pct(latencies, 50),
    p95Ms: pct(latencies, 95),
    workerMs: infer.reduce((a, b) => a + b, 0) / Math.max(1, infer.length),
    framesIn: Object.values(counts).reduce((a, b) => a + b, 0) / elapsed,
    counts,
  };
}

async function main(): Promise<void> {
  const log = (s: string) => process.stdout.write(`${s}\n`);
  log(
    `bench:detect — ${MODEL}, ${SESSIONS} session(s) × ${THREADS} thread(s), ${cpus().length} cores, load ${loadavg().map(r1).join(' ')}`,
  );
  const a = await bare();
  log(
    `(a) bare onnxruntime loop:   ${r1(a.msPerFrame)} ms/frame (${r1(a.fps)} frames/s over ${SESSIONS} workers)`,
  );

  const pool = await InferencePool.start(SESSIONS, {
    models: [MODEL],
    modelsDir: cfg.modelsDir,
    threads: THREADS,
  });
  const b = await servicePath(pool, 4, 0);
  const bMs = 1000 / b.inferredPerS;
  const ratio = b.inferredPerS / a.fps;
  log(
    `(b) service path, saturated: ${r1(bMs)} ms/frame (${r1(b.inferredPerS)} frames/s from 4 cameras); ratio to bare ${ratio.toFixed(2)}`,
  );
  log(
    `    ${r1(b.framesIn)} frames/s in; worker time ${r1(b.workerMs)} ms/frame (preprocess + infer + decode); counts ${JSON.stringify(b.counts)}`,
  );

  const steps: RunFigures[] = [];
  let held = 0;
  for (const n of STEPS) {
    const f = await servicePath(pool, n, 2);
    steps.push(f);
    const ok = f.p95Ms <= 1500 && f.perCameraPerS >= 1.9;
    log(
      `(c) ${String(n).padStart(2)} cameras @2/s: ${r1(f.perCameraPerS)}/s each, p50 ${r1(f.p50Ms)} ms, p95 ${r1(f.p95Ms)} ms ${ok ? 'OK' : 'NOT HELD'} ${JSON.stringify(f.counts)}`,
    );
    if (!ok) break;
    held = n;
  }
  await pool.close();
  log(
    `cameras held at 2 detections/s with p95 ≤ 1.5 s: ${held}${held === STEPS[STEPS.length - 1] ? '+' : ''}`,
  );
  log(
    JSON.stringify({
      bench: 'detect',
      model: MODEL,
      sessions: SESSIONS,
      threads: THREADS,
      bareMsPerFrame: r1(a.msPerFrame),
      bareFps: r1(a.fps),
      serviceMsPerFrame: r1(bMs),
      serviceFps: r1(b.inferredPerS),
      ratio: Number(ratio.toFixed(3)),
      camerasHeld: held,
      steps: steps.map((s) => ({
        cameras: s.cameras,
        perCameraPerS: r1(s.perCameraPerS),
        p95Ms: r1(s.p95Ms),
      })),
      loadavg: loadavg().map(r1),
    }),
  );
}

await main();
