/**
 * npm run bench:detect [-- --quick] — the default detection pipeline against the machine's real limit
 * (issue #25), in one run:
 *  (a) the limit: `detect.sessions` worker threads, each decoding streams-sim's cached H.264 clip with
 *      ingest's own ffmpeg command line (640×360, sampled to ingest.detectFps) as fast as it goes and
 *      letterboxing + inferring the default pipeline (merged YOLOX-Nano + hard-hat + fire/smoke, vest on
 *      person crops) on activeFps of every detectFps frames; nothing else (bench/detect-limit.ts);
 *  (b) the service path: as many streams-sim RTSP cameras as (a) holds at the active rate → real
 *      IngestService → DetectService's scheduler → pool, saturated (every sampled frame due); (a) and (b)
 *      alternate in short slices, ratioVsLimit = median per round of (b) ÷ (a) frames/s;
 *  (c) camerasHeldDefault: N factory-clip cameras (people in view) at the production scheduler settings,
 *      N stepping up until they no longer get their active rate (allowance 0.1/s) or p95 frame-to-result
 *      exceeds 1.5 s;
 *  (d) camerasHeldMix: a quarter of the cameras on active permits showing the factory clip, the rest an
 *      idle scene with a few seconds of motion every 28 s (bench/detect-idle-clip.ts); held while permit
 *      cameras keep their rate and p95, idle cameras get their idle rate and motion is answered in time.
 * Flags: bench/detect-options.ts. Human lines, then one JSON line (fields: bench/detect-verdict.ts).
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { defaultConfig, loadConfigFile } from '../src/config/load.ts';
import type { Config } from '../src/config/schema.ts';
import { createMetrics } from '../src/platform/observability/metrics.ts';
import { createLogger } from '../src/platform/shared/logger.ts';
import { DetectService } from '../src/vision/detect/detect.service.ts';
import { FACTORY_CLIP, normalisedClip } from '../streams-sim/clips.ts';
import { factoryPhases } from './detect-factory-phases.ts';
import { idleSceneClips } from './detect-idle-clip.ts';
import { startLimit, type LimitSlice } from './detect-limit.ts';
import { parseBenchOptions } from './detect-options.ts';
import { printSummary, stepLine, type MixStep, type Round } from './detect-report.ts';
import { runServiceStep, tapWorkerCpu, type CameraPlan } from './detect-service.ts';
import { checkSimMounts, type SimCheck } from './detect-sim-check.ts';
import { camerasHeld, DEFAULT_CRITERIA, limitCameras, median, stepVerdict } from './detect-verdict.ts';

const log = (line: string) => process.stdout.write(`${line}\n`);
const r2 = (v: number) => Math.round(v * 100) / 100;

const opts = (() => {
  try {
    return parseBenchOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench:detect: ${(e as Error).message}\n`);
    process.exit(2);
  }
})();
if (!existsSync(FACTORY_CLIP)) {
  process.stderr.write(
    `bench:detect: the factory clip is missing: ${FACTORY_CLIP} (../shared/README-models-and-data.md)\n`,
  );
  process.exit(2);
}
const loaded = opts.config ? loadConfigFile(opts.config) : defaultConfig();
const config: Config = {
  ...loaded,
  ingest: {
    ...loaded.ingest,
    idleKeyframesOnly: opts.idleKeyframesOnly ?? loaded.ingest.idleKeyframesOnly,
    idleKeyframesAfterSeconds: opts.idleAfterS ?? loaded.ingest.idleKeyframesAfterSeconds,
  },
};
const sched = config.detect.scheduler;
const criteria = { ...DEFAULT_CRITERIA, activeRate: sched.activeFps, idleRate: sched.idleFps };
// a registry per DetectService: its metrics register once per registry
const services = () => ({ logger: createLogger('silent'), metrics: createMetrics(), health: new Map() });
const cores = cpus().length;
const load0 = loadavg().map(r2);
const date = new Date().toISOString();
const factory = await normalisedClip(FACTORY_CLIP);
// people cameras start at different points of the clip, as the limit's lanes do (detect-factory-phases.ts)
const phases = await factoryPhases(factory, 4);
const peopleSource = (i: number) => ({ kind: 'clip' as const, path: phases[i % phases.length]! });
log(
  `bench:detect ${date} — ${cores} cores, load ${load0.join(' ')}; ${config.detect.sessions} worker(s) × ${config.detect.threads} thread(s); ingest ${config.ingest.width}×${config.ingest.height} sampled ${config.ingest.detectFps}/s, idleKeyframesOnly ${config.ingest.idleKeyframesOnly} after ${config.ingest.idleKeyframesAfterSeconds} s idle; scheduler active ${sched.activeFps}/s, idle ${sched.idleFps}/s${opts.quick ? '; --quick' : ''}`,
);

const workerCpu = { frames: [] as number[] };
const factoryCams = (n: number, prefix: string): CameraPlan[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i + 1}`,
    source: peopleSource(i),
    permit: false,
    idle: false,
  }));

// (a) and (b), side by side
const rounds: Round[] = [];
let limitFps = NaN;
let benchCameras = 0;
if (!opts.skip.has('ratio')) {
  const limit = await startLimit(factory, config);
  const warm = await limit.slice(Math.max(2, opts.sliceS / 2));
  // at least one camera per worker: the scheduler keeps one frame per camera in flight, so fewer cameras
  // than workers would leave a worker idle however fast the path is (only on a starved machine)
  benchCameras = Math.max(
    config.detect.sessions,
    Math.round(limitCameras(warm.framesPerSec, sched.activeFps)),
  );
  log(
    `(a) warm-up ${r2(warm.framesPerSec)} frames/s → (b) runs ${benchCameras} camera(s), every sampled frame due (saturated)`,
  );
  const saturated = await DetectService.start(services(), {
    ...config.detect,
    scheduler: { ...sched, activeFps: config.ingest.detectFps, idleFps: config.ingest.detectFps },
  });
  log(`models: ${saturated.pool.models.join(', ')}`);
  tapWorkerCpu(saturated.pool, (ms) => workerCpu.frames.push(ms));
  try {
    for (let i = 0; i < opts.rounds; i++) {
      const a: LimitSlice = await limit.slice(opts.sliceS);
      const b = await runServiceStep({
        detect: saturated,
        base: config,
        cameras: factoryCams(benchCameras, 'sat'),
        settleS: 2,
        windowS: opts.sliceS,
        workerCpu,
      });
      const served = [...b.cameras.values()].reduce((s, c) => s + c.results, 0);
      const round: Round = { limit: a, service: b, serviceFps: served / b.windowS };
      rounds.push(round);
      log(stepLine.round(i + 1, round, cores));
    }
  } finally {
    await limit.close();
    await saturated.stop();
  }
  limitFps = median(rounds.map((r) => r.limit.framesPerSec));
}

// (c) and (d) at the production scheduler settings
const detect = await DetectService.start(services(), config.detect);
tapWorkerCpu(detect.pool, (ms) => workerCpu.frames.push(ms));
const defaultSteps: MixStep[] = [];
let simCheck: SimCheck | null = null;
const mixSteps: MixStep[] = [];
try {
  if (!opts.skip.has('default'))
    for (const n of opts.steps) {
      const run = await runServiceStep({
        detect,
        base: config,
        cameras: factoryCams(n, 'cam'),
        settleS: opts.settleS,
        windowS: opts.windowS,
        workerCpu,
      });
      const figs = [...run.cameras.values()];
      const verdict = stepVerdict(
        {
          cameras: n,
          windowS: run.windowS,
          activeRates: figs.map((f) => f.results / run.windowS),
          activeLatenciesMs: figs.flatMap((f) => f.latenciesMs),
        },
        criteria,
      );
      const step: MixStep = { cameras: n, active: n, idle: 0, run, verdict };
      defaultSteps.push(step);
      log(stepLine.step('(c)', step, cores));
      if (!verdict.held) break;
    }
  if (!opts.skip.has('mix')) {
    const idle = await idleSceneClips(factory, opts.idleVariants);
    const mixPlan = (n: number): CameraPlan[] => {
      const permits = Math.max(1, Math.round(n / 4));
      return Array.from({ length: n }, (_, i) =>
        i < permits
          ? { id: `act${i + 1}`, source: peopleSource(i), permit: true, idle: false }
          : {
              id: `idle${i + 1}`,
              source: { kind: 'clip', path: idle.clips[i % idle.clips.length]! },
              permit: false,
              idle: true,
            },
      );
    };
    if (!opts.skip.has('sim')) {
      // whether the sim itself serves the mix's largest step, whatever the service holds
      const n = opts.mixSteps.at(-1)!;
      simCheck = await checkSimMounts(
        mixPlan(n).map((c) => c.source),
        opts.quick ? 6 : 10,
      );
      log(
        `(e) streams-sim: ${simCheck.served}/${simCheck.mounts} mounts served at ≥ 20 frames/s (median ${r2(simCheck.medianFps)}), ` +
          `the sim itself ${r2(simCheck.simCores)} cores (${r2(simCheck.simCoresPerCamera * 100)} % of a core per camera), apart from the service`,
      );
    }
    for (const n of opts.mixSteps) {
      const cams = mixPlan(n);
      const permits = cams.filter((c) => c.permit).length;
      const run = await runServiceStep({
        detect,
        base: config,
        cameras: cams,
        settleS: opts.settleS,
        windowS: opts.mixWindowS,
        workerCpu,
      });
      const of = (idle: boolean) => cams.filter((c) => c.idle === idle).map((c) => run.cameras.get(c.id)!);
      const verdict = stepVerdict(
        {
          cameras: n,
          windowS: run.windowS,
          activeRates: of(false).map((f) => f.results / run.windowS),
          activeLatenciesMs: of(false).flatMap((f) => f.latenciesMs),
          idleRates: of(true).map((f) => f.results / run.windowS),
          motionAnswerMs: run.motionAnswerMs,
        },
        criteria,
      );
      const step: MixStep = { cameras: n, active: permits, idle: n - permits, run, verdict };
      mixSteps.push(step);
      log(stepLine.step('(d)', step, cores));
      if (!verdict.held) break;
    }
  }
} finally {
  await detect.stop();
}

printSummary(log, {
  date,
  cores,
  load: { start: load0, end: loadavg().map(r2) },
  config,
  quick: opts.quick,
  rounds,
  limitFps,
  benchCameras,
  defaultSteps,
  mixSteps,
  heldDefault: opts.skip.has('default')
    ? null
    : camerasHeld(defaultSteps.map((s) => ({ cameras: s.cameras, held: s.verdict.held }))),
  heldMix: opts.skip.has('mix')
    ? null
    : camerasHeld(mixSteps.map((s) => ({ cameras: s.cameras, held: s.verdict.held }))),
  workerCpuMs: workerCpu.frames,
  simCheck,
});
