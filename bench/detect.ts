/**
 * npm run bench:detect — the detection runtime's figures, in one run:
 *  (a) bare: `sessions` worker threads looping onnxruntime on YOLOX-Nano (1 intra-op thread each) — the limit;
 *  (b) service path: streams-sim RTSP → IngestService (ffmpeg per camera, 640×360) → onFrame('*') →
 *      scheduler mailbox → worker pool → preprocess + infer + decode → boxes, saturated; per-frame ms
 *      and ratio to (a);
 *  (c) capacity: N cameras at 2 detections/s each, stepping N up until p95 frame-to-result > 1.5 s or
 *      the cameras no longer get their 2/s.
 * The machine is shared, so (a) and (b) alternate in short slices (--rounds R × --slice S seconds) and
 * the ratio is taken per round, side by side; the decoders of (b) run only during (b) slices.
 * Flags: --slice S (default 4), --rounds R (default 3), --seconds S (per capacity step, default 8),
 * --sessions K, --threads T, --depth D (frames a worker may hold, default 2), --compare-depth (also run
 * depth 1 in the same rounds), --fps OUT (frames/s sampled per camera, default 3),
 * --steps 8,16,24,32, --file (read the clip with ffmpeg -re instead of streams-sim), --raw-ffmpeg (read
 * streams-sim with plain ffmpeg readers instead of the IngestService), --models a,b,c (default
 * yolox-nano-coco; several whole-frame models run as the service runs them: merged on one backbone,
 * and the bare loop then runs that merged graph; a stage-2 model such as ppe-vest runs in the service
 * path only, so the ratio then also shows its cost). Ends with one JSON line.
 * The saturated phase offers 25 fps from as many cameras as it takes to offer 1.3× what the bare loop
 * managed in a warm-up slice (at least 4), so the service path is never starved of frames.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { cpus, loadavg } from 'node:os';
import { Registry } from 'prom-client';
import { findModel, loadManifest, PROJECT_ROOT, readVerifiedModel } from '../src/vision/detect/manifest.ts';
import { withDynamicSpatialInput } from '../src/vision/detect/onnx-dynamic-input.ts';
import { mergeHeads } from '../src/vision/detect/onnx/merge-heads.ts';
import { decodeModel, encodeModel } from '../src/vision/detect/onnx/onnx-model.ts';
import { createDetectMetrics, DetectScheduler } from '../src/vision/detect/scheduler.ts';
import { defaultDetectConfig } from '../src/vision/detect/settings.ts';
import { InferencePool } from '../src/vision/detect/worker/inference-pool.ts';
import { startFeeds, type Feed } from './detect-feed.ts';
import { clipFramesRgb } from '../tests/helpers/clip-frame.ts';
import { startIngestFeed } from './detect-ingest-feed.ts';
import type { Frame } from '../src/video/ingest/types.ts';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
};
const cfg = defaultDetectConfig();
const SECONDS = Number(arg('seconds', '8'));
const SESSIONS = Number(arg('sessions', String(cfg.sessions)));
const THREADS = Number(arg('threads', String(cfg.threads)));
// Sampled a little above the 2/s detection rate so a fresh frame is waiting when a camera falls due
// (at exactly 2 fps, sampling jitter alone holds cameras under 2/s; ingest.detectFps: 3 in production).
const OUT_FPS = Number(arg('fps', '3'));
const STEPS = arg('steps', '8,16,24,32').split(',').map(Number);
const SLICE = Number(arg('slice', '4'));
const ROUNDS = Number(arg('rounds', '3'));
const SAT_MIN_CAMERAS = 4;
const DEPTH = Number(arg('depth', '2'));
const COMPARE_DEPTH = process.argv.includes('--compare-depth');
const RAW_FFMPEG = process.argv.includes('--raw-ffmpeg');
const MODELS = arg('models', 'yolox-nano-coco').split(',').filter(Boolean);
const MODEL = MODELS.join('+');
const W = 640;
const H = 360;
const CLIP = `${PROJECT_ROOT}../shared/clips/press-shop-cctv.mp4`;

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r1 = (v: number): number => Math.round(v * 10) / 10;

let bareInput = '';

interface Bare {
  slice(seconds: number): Promise<number>;
  close(): Promise<void>;
}

/** `sessions` workers each looping onnxruntime on a fixed input; slice() returns frames/s. */
async function startBare(): Promise<Bare> {
  const manifest = loadManifest();
  // the bare loop runs the whole-frame models (merged as the service merges them); stage-2 models
  // (vest on person crops) run only in the service path
  const stage1 = MODELS.filter((n) => findModel(manifest, n).stage === 1);
  const entry = findModel(manifest, stage1[0]!);
  // The same model bytes and input shape the service runs: with fitInput, a 640×360 frame is fed
  // at 416×256 (see src/vision/detect/onnx-dynamic-input.ts); several models: the merged graph.
  const fit = entry.options?.fitInput === true;
  const read = (name: string) => readVerifiedModel(findModel(manifest, name), cfg.modelsDir);
  const bytes =
    stage1.length === 1
      ? read(stage1[0]!)
      : encodeModel(
          mergeHeads(
            decodeModel(read(stage1[0]!)),
            stage1.slice(1).map((name) => ({
              name,
              model: decodeModel(read(name)),
              output: findModel(manifest, name).output.name,
            })),
          ),
        );
  const r = Math.min(entry.input.width / W, entry.input.height / H);
  const fitted = (n: number, max: number) => Math.min(max, Math.ceil(Math.floor(n * r) / 32) * 32);
  const workerData = {
    model: fit ? withDynamicSpatialInput(bytes) : bytes,
    dims: fit
      ? [1, 3, fitted(H, entry.input.height), fitted(W, entry.input.width)]
      : [1, 3, entry.input.height, entry.input.width],
    inputName: entry.input.name,
    threads: THREADS,
  };
  const workers = Array.from(
    { length: SESSIONS },
    () => new Worker(new URL('./detect-bare-worker.mjs', import.meta.url), { workerData }),
  );
  const next = (w: Worker) => new Promise<{ n?: number }>((res) => w.once('message', res));
  await Promise.all(workers.map(next));
  bareInput = workerData.dims.slice(2).reverse().join('×');
  return {
    async slice(seconds) {
      const t0 = performance.now();
      const done = workers.map(next);
      workers.forEach((w) => w.postMessage({ seconds }));
      const n = (await Promise.all(done)).reduce((a, m) => a + (m.n ?? 0), 0);
      return n / ((performance.now() - t0) / 1000);
    },
    async close() {
      const done = workers.map(next);
      workers.forEach((w) => w.postMessage('close'));
      await Promise.all(done);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

async function cameraSource(
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

/** `cameras` cameras offering the given decoded 640×360 frames in turn at `fps` each (bench (b0)). */
function memoryFeed(
  cameras: number,
  fps: number,
  frames: readonly Buffer[],
  onFrame: (f: Frame) => void,
): Feed {
  let n = 0;
  const timers = Array.from({ length: cameras }, (_, c) => {
    let seq = 0;
    const cameraId = `mem-${c}`;
    return setInterval(() => {
      n++;
      onFrame({ cameraId, ts: Date.now(), seq, width: W, height: H, data: frames[seq++ % frames.length]! });
    }, 1000 / fps);
  });
  return {
    stop: async () => timers.forEach(clearInterval),
    framesOut: () => n,
    cpuSeconds: () => 0,
    allStarted: async () => true,
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
  /** cores the ffmpeg decoders used while measuring */
  decoderCores: number;
  /** cores this process used (main thread, ingest, inference workers, GC) */
  nodeCores: number;
  framesIn: number;
  counts: Record<string, number>;
}

/** Runs `cameras` feeds through the real scheduler and pool for `seconds`; `rate` 0 = saturate. */
async function servicePath(
  pool: InferencePool,
  inputs: string[],
  rate: number,
  seconds: number,
  fromMemory?: readonly Buffer[],
): Promise<RunFigures> {
  const cameras = inputs.length;
  const saturate = rate === 0;
  const settings = {
    activeFps: saturate ? 1000 : rate,
    idleFps: saturate ? 1000 : rate,
    peopleHoldMs: 0,
    // every camera already runs at one fixed rate here
    motionHoldMs: 0,
    motionCells: 2,
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
  const outFps = saturate ? 25 : OUT_FPS;
  const onFrame = (f: Frame) => sched.offer(f);
  // RTSP cameras go through the service's own IngestService (unless --raw-ffmpeg); the clip file
  // through plain ffmpeg -re readers.
  // fromMemory: decoded frames replayed from RAM (no decoding, no pipes): the runtime's own cost
  const feed = fromMemory
    ? memoryFeed(cameras, outFps, fromMemory, onFrame)
    : inputs[0]!.startsWith('rtsp://') && !RAW_FFMPEG
      ? await startIngestFeed({ inputs, outFps, onFrame })
      : startFeeds({ inputs, outFps, width: W, height: H, onFrame });
  if (!(await feed.allStarted(30_000)))
    process.stderr.write('  warning: not every camera delivered frames within 30 s\n');
  await new Promise((r) => setTimeout(r, 1000)); // settle
  const before = { ...sched.counts };
  const cpu0 = feed.cpuSeconds();
  const node0 = process.cpuUsage();
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  const decoderCores = (feed.cpuSeconds() - cpu0) / elapsed;
  const nodeUse = process.cpuUsage(node0);
  const nodeCores = (nodeUse.user + nodeUse.system) / 1e6 / elapsed;
  const counts = Object.fromEntries(
    Object.entries(sched.counts).map(([k, v]) => [k, v - before[k as keyof typeof before]]),
  );
  sched.stop();
  await feed.stop();
  const inferred = counts.inferred ?? 0;
  return {
    cameras,
    inferredPerS: inferred / elapsed,
    perCameraPerS: inferred / elapsed / cameras,
    p50Ms: pct(latencies, 50),
    p95Ms: pct(latencies, 95),
    workerMs: infer.reduce((a, b) => a + b, 0) / Math.max(1, infer.length),
    decoderCores,
    nodeCores,
    framesIn: Object.values(counts).reduce((a, b) => a + b, 0) / elapsed,
    counts,
  };
}

async function main(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const load0 = loadavg().map(r1);
  log(
    `bench:detect — ${MODEL}, ${SESSIONS} session(s) × ${THREADS} thread(s), ${cpus().length} cores, load ${load0.join(' ')}`,
  );
  const bare = await startBare();
  // offer 1.3× the bare loop's rate at 25 fps per camera, so (b) is never short of frames
  const warm = await bare.slice(SLICE);
  const SAT_CAMERAS = Math.max(SAT_MIN_CAMERAS, Math.ceil((1.3 * warm) / 25));
  const cams = Math.max(SAT_CAMERAS, ...STEPS);
  const source = await cameraSource(cams);
  log(
    `cameras: ${source.source} → ${source.source.startsWith('streams') && !RAW_FFMPEG ? 'IngestService' : 'ffmpeg readers'}, 640×360, one ffmpeg per camera; ${OUT_FPS} frames/s sampled per camera (25 in the saturated phase)`,
  );
  const init = { models: MODELS, modelsDir: cfg.modelsDir, threads: THREADS };
  // (b0): 50 decoded frames of the factory clip (2 s of it at 25 fps), replayed from memory
  const memFrames = existsSync(CLIP)
    ? clipFramesRgb(CLIP, 20, 50, 25, W, H).map((f) => f.data as Buffer)
    : [];
  const pool = await InferencePool.start(SESSIONS, init, DEPTH);
  // --compare-depth: a second pool holding one frame per worker (no hand-over overlap), same rounds
  const pool1 = COMPARE_DEPTH ? await InferencePool.start(SESSIONS, init, 1) : undefined;
  const depth1: number[] = [];
  try {
    // (a) and (b) alternate so that both see the same background load.
    const rounds: {
      bare: number;
      runtime: number;
      service: number;
      workerMs: number;
      decoderCores: number;
      nodeCores: number;
    }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const a = await bare.slice(SLICE);
      const b = await servicePath(pool, source.inputs.slice(0, SAT_CAMERAS), 0, SLICE);
      const b0 = await servicePath(pool, source.inputs.slice(0, SAT_CAMERAS), 0, SLICE, memFrames);
      rounds.push({
        runtime: b0.inferredPerS,
        bare: a,
        service: b.inferredPerS,
        workerMs: b.workerMs,
        decoderCores: b.decoderCores,
        nodeCores: b.nodeCores,
      });
      log(
        `  round ${i + 1}: (a) bare ${r1(1000 / a)} ms/frame (${r1(a)}/s) | (b) service ${r1(1000 / b.inferredPerS)} ms/frame (${r1(b.inferredPerS)}/s, worker ${r1(b.workerMs)} ms, decoders ${b.decoderCores.toFixed(2)} + service ${b.nodeCores.toFixed(2)} cores) | ratio ${(b.inferredPerS / a).toFixed(2)}`,
      );
      log(
        `           (b0) runtime only, frames from memory: ${r1(1000 / b0.inferredPerS)} ms/frame (${r1(b0.inferredPerS)}/s, worker ${r1(b0.workerMs)} ms) | ratio ${(b0.inferredPerS / a).toFixed(2)}`,
      );
      if (pool1) {
        const b1 = await servicePath(pool1, source.inputs.slice(0, SAT_CAMERAS), 0, SLICE);
        depth1.push(b1.inferredPerS / a);
        log(`           depth 1: ${r1(b1.inferredPerS)}/s, ratio ${(b1.inferredPerS / a).toFixed(2)}`);
      }
    }
    const sum = (f: (r: (typeof rounds)[number]) => number) => rounds.reduce((acc, r) => acc + f(r), 0);
    const bareFps = sum((r) => r.bare) / rounds.length;
    const serviceFps = sum((r) => r.service) / rounds.length;
    const ratios = rounds.map((r) => r.service / r.bare).sort((x, y) => x - y);
    const ratio = ratios[Math.floor(ratios.length / 2)]!;
    const runtimeRatios = rounds.map((r) => r.runtime / r.bare).sort((x, y) => x - y);
    const runtimeRatio = runtimeRatios[Math.floor(runtimeRatios.length / 2)]!;
    const runtimeFps = sum((r) => r.runtime) / rounds.length;
    log(
      `(a) bare onnxruntime loop:   ${r1(1000 / bareFps)} ms/frame (${r1(bareFps)} frames/s, input ${bareInput})`,
    );
    log(
      `(b) service path, saturated: ${r1(1000 / serviceFps)} ms/frame (${r1(serviceFps)} frames/s, ${SAT_CAMERAS} cameras at 25 fps)`,
    );
    log(
      `    ratio (b)/(a), median of ${ROUNDS} side-by-side rounds: ${ratio.toFixed(2)} (worker depth ${DEPTH})`,
    );
    log(
      `(b0) runtime only (same cameras' decoded frames replayed from memory: no decoding, no pipes): ${r1(1000 / runtimeFps)} ms/frame (${r1(runtimeFps)} frames/s), ratio ${runtimeRatio.toFixed(2)}`,
    );
    const depth1Ratio = depth1.sort((x, y) => x - y)[Math.floor(depth1.length / 2)];
    if (depth1Ratio !== undefined) log(`    same with worker depth 1: ${depth1Ratio.toFixed(2)}`);

    const steps: RunFigures[] = [];
    let held = 0;
    for (const n of STEPS) {
      const f = await servicePath(pool, source.inputs.slice(0, n), 2, SECONDS);
      steps.push(f);
      const ok = f.p95Ms <= 1500 && f.perCameraPerS >= 1.9;
      log(
        `(c) ${String(n).padStart(2)} cameras @2/s: ${f.perCameraPerS.toFixed(2)}/s each, p50 ${r1(f.p50Ms)} ms, p95 ${r1(f.p95Ms)} ms, worker ${r1(f.workerMs)} ms/frame, decoders ${f.decoderCores.toFixed(2)} + service ${f.nodeCores.toFixed(2)} cores ${ok ? 'OK' : 'NOT HELD'} ${JSON.stringify(f.counts)}`,
      );
      if (!ok) break;
      held = n;
    }
    const all = held === STEPS[STEPS.length - 1];
    log(`cameras held at 2 detections/s with p95 ≤ 1.5 s: ${held}${all ? ' (every step held)' : ''}`);
    log(
      JSON.stringify({
        bench: 'detect',
        model: MODEL,
        input: bareInput,
        saturatedCameras: SAT_CAMERAS,
        sessions: SESSIONS,
        threads: THREADS,
        source: source.source,
        bareMsPerFrame: r1(1000 / bareFps),
        serviceMsPerFrame: r1(1000 / serviceFps),
        ratio: Number(ratio.toFixed(3)),
        runtimeMsPerFrame: r1(1000 / runtimeFps),
        runtimeRatio: Number(runtimeRatio.toFixed(3)),
        depth: DEPTH,
        ...(depth1Ratio !== undefined ? { ratioDepth1: Number(depth1Ratio.toFixed(3)) } : {}),
        rounds: rounds.map((r) => ({
          bareFps: r1(r.bare),
          runtimeFps: r1(r.runtime),
          serviceFps: r1(r.service),
          workerMs: r1(r.workerMs),
          decoderCores: Number(r.decoderCores.toFixed(2)),
          nodeCores: Number(r.nodeCores.toFixed(2)),
        })),
        camerasHeld: held,
        steps: steps.map((x) => ({
          cameras: x.cameras,
          perCameraPerS: Number(x.perCameraPerS.toFixed(2)),
          p95Ms: r1(x.p95Ms),
          workerMs: r1(x.workerMs),
          nodeCores: Number(x.nodeCores.toFixed(2)),
          decoderCores: Number(x.decoderCores.toFixed(2)),
        })),
        loadavg: [load0, loadavg().map(r1)],
      }),
    );
  } finally {
    await pool1?.close();
    await pool.close();
    await bare.close();
    await source.stop();
  }
}

await main();
