import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../src/config/load.ts';
import type { Config } from '../src/config/schema.ts';
import { createPlatform } from '../src/platform/platform.ts';
import { createLogger } from '../src/platform/shared/logger.ts';
import { IngestService } from '../src/video/ingest/ingest.service.ts';
import type { DetectService } from '../src/vision/detect/detect.service.ts';
import { MotionGauge } from '../src/vision/detect/motion.ts';
import type { Priority } from '../src/vision/detect/scheduler-policy.ts';
import type { InferencePool } from '../src/vision/detect/worker/inference-pool.ts';
import { startSim, type SimSource } from '../streams-sim/index.ts';
import { CpuMeter, nodeCpuSince } from './detect-cpu.ts';
import { median } from './detect-verdict.ts';
import { childrenOf } from './proc-cpu.ts';

/**
 * bench:detect's service path, one step at a time: streams-sim serves the step's cameras over RTSP,
 * a real IngestService (ffmpeg per camera, the config's ingest section) hands every frame to the real
 * DetectService's scheduler and pool, active permits reach the scheduler through followPermits, and idle
 * cameras switch to keyframes-only decoding through onIdleChange when ingest.idleKeyframesOnly is on —
 * the wiring of src/main.ts. Everything is started for the step and stopped after it, so streams-sim's
 * publishers and the decoders run only while their step runs.
 */
export interface CameraPlan {
  id: string;
  source: SimSource;
  /** the camera covers an active permit (the scheduler's active-permit signal) */
  permit: boolean;
  /** an idle scene: measured against the idle rate, its motion onsets timed */
  idle: boolean;
}

export interface CameraFigures {
  results: number;
  latenciesMs: number[];
  /** results that held a person (an idle scene should have none) */
  withPerson: number;
  /** frames ingest handed over in the window (≈ detectFps while the camera decodes every frame) */
  frames: number;
}

export interface StepRun {
  windowS: number;
  cameras: Map<string, CameraFigures>;
  /** motion onset on an idle camera → first result of a frame from after it, ms; Infinity = none */
  motionAnswerMs: number[];
  decoderCores: number;
  simCores: number;
  /** this process: main thread, inference workers, GC */
  nodeCores: number;
  /** median time in a worker per frame (the pool's inferMs), ms */
  inferMs: number;
  /** the pool's workerCpuMs per frame where the pool reports it */
  workerCpuMs: number[];
  /** the scheduler's outcomes over the window (inferred, skipped, dropped, stale, failed) */
  outcomes: Record<string, number>;
  /** the workers' pipeline work over the window (e.g. `ppe-vest.runs` / `.reused`: vest crops run, answers reused) */
  stageCounts: Record<string, number>;
  /** ffmpeg processes started over the window (restarts, keyframes-only switches) */
  spawns: number;
  /** cameras that never delivered a frame before the window */
  silent: number;
  /** the idle cameras' scheduler priority, sampled twice a second over the window: share of samples */
  idlePriority: Partial<Record<Priority, number>>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Records the pool's per-frame `workerCpuMs` where the pool reports it (the scheduler does not pass it
 * on): wraps this pool instance's detect(), for the bench only.
 */
export function tapWorkerCpu(pool: InferencePool, sink: (ms: number) => void): void {
  const detect = pool.detect.bind(pool);
  pool.detect = (image, frame) =>
    detect(image, frame).then((r) => {
      const ms = (r as { workerCpuMs?: number }).workerCpuMs ?? NaN;
      if (Number.isFinite(ms)) sink(ms);
      return r;
    });
}

export async function runServiceStep(o: {
  detect: DetectService;
  base: Config;
  cameras: CameraPlan[];
  settleS: number;
  windowS: number;
  workerCpu: { frames: number[] };
}): Promise<StepRun> {
  const { detect, base, cameras } = o;
  const sim = await startSim({
    cameras: cameras.map((c) => c.id),
    sources: cameras.map((c) => c.source),
    port: 0,
  });
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-bench-detect-'));
  const config = validateConfig({
    server: { port: 0, logLevel: 'silent' },
    store: { path: join(dir, 'bench.db'), dataDir: dir },
    mqtt: { embedded: false },
    detect: { enabled: false },
    ingest: structuredClone(base.ingest),
    regions: [{ id: 'r', name: 'bench' }],
    enterprises: [{ id: 'e', name: 'bench', regionId: 'r' }],
    sites: [
      {
        id: 's',
        name: 'bench',
        enterpriseId: 'e',
        cameras: cameras.map((c) => ({ id: c.id, name: c.id, url: sim.url(c.id) })),
      },
    ],
  });
  // JH_BENCH_LOG=warn shows why ingest restarted a decoder (the per-step counters only count starts)
  const core = await createPlatform(config, { logger: createLogger(process.env.JH_BENCH_LOG ?? 'silent') });
  const ingest = new IngestService(core);
  const plan = new Map(cameras.map((c) => [c.id, c]));
  const figures = new Map<string, CameraFigures>(
    cameras.map((c) => [c.id, { results: 0, latenciesMs: [], withPerson: 0, frames: 0 }]),
  );
  const motionCells = base.detect.scheduler.motionCells;
  const gauges = new Map(cameras.filter((c) => c.idle).map((c) => [c.id, new MotionGauge()]));
  const lastMove = new Map<string, number>();
  /** onsets in the window: receive time of the first moving frame after ≥ 5 s without motion */
  const onsets: { cameraId: string; at: number; answeredMs?: number }[] = [];
  const inferMs: number[] = [];
  let measuring = false;
  const delivered = new Set<string>();
  // what DetectService.attach does (lent frames, no copy), with the motion onsets of idle cameras timed on the way
  // (≈ 0.15 ms per idle camera's frame on the main thread, the scheduler's own gauge's cost)
  const off = ingest.onFrame(
    '*',
    (f) => {
      delivered.add(f.cameraId);
      if (measuring) {
        const fig = figures.get(f.cameraId);
        if (fig) fig.frames++;
      }
      const g = gauges.get(f.cameraId);
      if (g && g.update(f.data, f.width, f.height) >= motionCells) {
        const prev = lastMove.get(f.cameraId) ?? -Infinity;
        if (measuring && f.ts - prev > 5000) onsets.push({ cameraId: f.cameraId, at: f.ts });
        lastMove.set(f.cameraId, f.ts);
      }
      detect.scheduler.offer(f);
      // lent: the pooled buffer as DetectService.attach takes it (the scheduler retains and releases it)
    },
    { lent: true },
  );
  const permits = cameras.filter((c) => c.permit).map((c) => c.id);
  const unfollow = detect.followPermits(
    { camerasActive: () => permits, onChange: () => () => {} },
    Date.now(),
  );
  if (config.ingest.idleKeyframesOnly)
    detect.onIdleChange((cameraId, idle) => ingest.setKeyframesOnly(cameraId, idle), {
      settleMs: config.ingest.idleKeyframesAfterSeconds * 1000,
    });
  const unResult = detect.onResult((r) => {
    if (!measuring) return;
    const f = figures.get(r.cameraId);
    if (!f) return;
    f.results++;
    inferMs.push(r.inferMs);
    f.latenciesMs.push(r.latencyMs);
    if (r.detections.some((d) => d.label === 'person')) f.withPerson++;
    if (plan.get(r.cameraId)?.idle)
      for (const m of onsets)
        if (m.cameraId === r.cameraId && m.answeredMs === undefined && r.frameTs >= m.at)
          m.answeredMs = Date.now() - m.at;
  });
  try {
    ingest.start();
    const t0 = Date.now();
    while (delivered.size < cameras.length && Date.now() - t0 < 30_000) await sleep(100);
    await sleep(o.settleS * 1000);
    const decoders = new CpuMeter(() =>
      Object.values(ingest.stats()).flatMap((s) => (s.pid !== undefined ? [s.pid] : [])),
    );
    const simCpu = new CpuMeter(() => [sim.pid, ...childrenOf(sim.pid)], 1000);
    const before = { ...detect.scheduler.counts };
    const stagesBefore = detect.pool.counts();
    const spawned = () => Object.values(ingest.stats()).reduce((a, c) => a + c.spawned, 0);
    const spawns0 = spawned();
    const cpuFrom = o.workerCpu.frames.length;
    decoders.start();
    simCpu.start();
    const node0 = process.cpuUsage();
    const w0 = performance.now();
    const idleIds = cameras.filter((c) => c.idle).map((c) => c.id);
    const seen: Partial<Record<Priority, number>> = {};
    const sampler = setInterval(() => {
      const p = detect.scheduler.priorities();
      for (const id of idleIds) {
        const v = p.get(id);
        if (v) seen[v] = (seen[v] ?? 0) + 1;
      }
    }, 500);
    measuring = true;
    await sleep(o.windowS * 1000);
    measuring = false;
    clearInterval(sampler);
    const samples = Object.values(seen).reduce((a, b) => a + b, 0);
    const idlePriority = Object.fromEntries(
      Object.entries(seen).map(([k, v]) => [k, Math.round((v / samples) * 100) / 100]),
    );
    const windowS = (performance.now() - w0) / 1000;
    const nodeCores = nodeCpuSince(node0) / windowS;
    const decoderCores = decoders.stop() / windowS;
    const simCores = simCpu.stop() / windowS;
    const stageCounts = Object.fromEntries(
      Object.entries(detect.pool.counts()).map(([k, v]) => [k, v - (stagesBefore[k] ?? 0)]),
    );
    const outcomes = Object.fromEntries(
      Object.entries(detect.scheduler.counts).map(([k, v]) => [k, v - before[k as keyof typeof before]]),
    );
    // an onset in the window's last 1.5 s may yet be answered: not judged
    const end = Date.now();
    const motionAnswerMs = onsets
      .filter((m) => m.answeredMs !== undefined || end - m.at > 1500)
      .map((m) => m.answeredMs ?? Infinity);
    return {
      windowS,
      cameras: figures,
      motionAnswerMs,
      decoderCores,
      simCores,
      nodeCores,
      inferMs: median(inferMs),
      workerCpuMs: o.workerCpu.frames.slice(cpuFrom),
      outcomes,
      stageCounts,
      spawns: spawned() - spawns0,
      silent: cameras.length - delivered.size,
      idlePriority,
    };
  } finally {
    measuring = false;
    unResult();
    unfollow();
    off();
    for (const c of cameras) detect.scheduler.removeCamera(c.id);
    await ingest.stop();
    core.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
