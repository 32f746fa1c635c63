import type { Config } from '../src/config/schema.ts';
import type { LimitSlice } from './detect-limit.ts';
import type { StepRun } from './detect-service.ts';
import type { SimCheck } from './detect-sim-check.ts';
import {
  limitCameras,
  median,
  missingFields,
  num,
  pct,
  ratioOfRounds,
  type StepVerdict,
} from './detect-verdict.ts';

/** bench:detect's printing: one line per round and step, the summary, the closing JSON line. */
export interface Round {
  limit: LimitSlice;
  service: StepRun;
  serviceFps: number;
}

export interface MixStep {
  cameras: number;
  /** cameras due the active rate (all in (c), people in view; those on permits in (d)), listed first */
  active: number;
  idle: number;
  run: StepRun;
  verdict: StepVerdict;
}

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** CPU ms per inferred frame of everything the path ran (decoders + this process), and of decoding alone. */
function cpuPerFrame(decoderCores: number, nodeCores: number, fps: number) {
  return { totalMs: ((decoderCores + nodeCores) * 1000) / fps, decodeMs: (decoderCores * 1000) / fps };
}

function stepFigures(s: MixStep) {
  const { run } = s;
  const figs = [...run.cameras.entries()];
  const active = figs.filter((_, i) => i < s.active).map(([, f]) => f);
  const idle = figs.filter((_, i) => i >= s.active).map(([, f]) => f);
  const rate = (f: { results: number }) => f.results / run.windowS;
  return {
    cameras: s.cameras,
    active: s.active,
    idle: s.idle,
    held: s.verdict.held,
    why: s.verdict.why,
    activePerCameraPerS: num(mean(active.map(rate))),
    activeMinPerS: num(Math.min(...active.map(rate))),
    /** frames ingest handed over per active camera per second: under detectFps, the frames were missing upstream */
    activeFramesPerS: num(mean(active.map((f) => f.frames / run.windowS))),
    p95Ms: num(
      pct(
        active.flatMap((f) => f.latenciesMs),
        95,
      ),
      0,
    ),
    ...(s.idle > 0
      ? {
          idlePerCameraPerS: num(mean(idle.map(rate))),
          idleMinPerS: num(Math.min(...idle.map(rate))),
          motionOnsets: run.motionAnswerMs.length,
          motionUnanswered: run.motionAnswerMs.filter((ms) => !Number.isFinite(ms)).length,
          /** null with onsets: the p95 onset was never answered */
          motionAnsweredP95Ms: num(pct(run.motionAnswerMs, 95), 0),
          idleResultsWithPerson: idle.reduce((a, f) => a + f.withPerson, 0),
          idlePriorityShare: run.idlePriority,
        }
      : {}),
    inferMs: num(run.inferMs, 1),
    decoderCores: num(run.decoderCores),
    simCores: num(run.simCores),
    nodeCores: num(run.nodeCores),
    outcomes: run.outcomes,
    stageCounts: run.stageCounts,
    ffmpegSpawns: run.spawns,
    vestCropsPerFrame: num((run.stageCounts['ppe-vest.runs'] ?? NaN) / (run.outcomes['inferred'] ?? NaN)),
    silentCameras: run.silent,
    windowS: num(run.windowS, 1),
  };
}

export const stepLine = {
  round(i: number, r: Round, cores: number): string {
    const a = r.limit;
    const b = r.service;
    const ca = cpuPerFrame(a.decoderCores, a.nodeCores, a.framesPerSec);
    const cb = cpuPerFrame(b.decoderCores, b.nodeCores, r.serviceFps);
    const wb = median(b.workerCpuMs);
    return (
      `  round ${i}: (a) limit ${f1(a.framesPerSec)} frames/s (decoders ${f2(a.decoderCores)} + inference ${f2(a.nodeCores)} of ${cores} cores; ` +
      `${f1(ca.totalMs)} ms CPU per frame, ${f1(ca.decodeMs)} decoding; worker ${f1(a.workerCpuMs)} ms CPU; vest crops ${f2(a.vestCropsPerFrame)}/frame; waited for frames ${Math.round(a.waitShare * 100)} %)\n` +
      `           (b) service ${f1(r.serviceFps)} frames/s (${b.cameras.size} cameras; decoders ${f2(b.decoderCores)} + service ${f2(b.nodeCores)} cores, ` +
      `streams-sim ${f2(b.simCores)} apart; ${f1(cb.totalMs)} ms CPU per frame, ${f1(cb.decodeMs)} decoding; worker ${f1(b.inferMs)} ms` +
      `${Number.isFinite(wb) ? `, ${f1(wb)} ms CPU` : ''}; vest crops ${f2((b.stageCounts['ppe-vest.runs'] ?? NaN) / (b.outcomes['inferred'] ?? NaN))}/frame; ffmpeg started ${b.spawns}×) | ratio ${f2(r.serviceFps / a.framesPerSec)}`
    );
  },
  step(tag: string, s: MixStep, cores: number): string {
    const f = stepFigures(s);
    const idle =
      s.idle > 0
        ? `; idle ${s.idle}: ${f2(f.idlePerCameraPerS ?? NaN)}/s (min ${f2(f.idleMinPerS ?? NaN)}), motion onsets ${f.motionOnsets} (unanswered ${f.motionUnanswered}) answered p95 ${f.motionOnsets === 0 ? 'n/a' : f.motionAnsweredP95Ms === null ? 'never' : `${f.motionAnsweredP95Ms} ms`}, idle results with a person ${f.idleResultsWithPerson}, their priority ${JSON.stringify(f.idlePriorityShare)}`
        : '';
    return (
      `${tag} ${String(s.cameras).padStart(3)} cameras: ${s.idle > 0 ? `permit ${s.active}: ` : ''}${f2(f.activePerCameraPerS ?? NaN)}/s each (min ${f2(f.activeMinPerS ?? NaN)}; ingest handed over ${f2(f.activeFramesPerS ?? NaN)}/s), p95 ${f.p95Ms} ms${idle}; ` +
      `worker ${f.inferMs} ms, vest crops ${f2(f.vestCropsPerFrame ?? NaN)}/frame (${JSON.stringify(s.run.stageCounts)}); ffmpeg started ${s.run.spawns}×; decoders ${f2(s.run.decoderCores)} + service ${f2(s.run.nodeCores)} of ${cores} cores, streams-sim ${f2(s.run.simCores)} apart` +
      `${s.run.silent ? `; ${s.run.silent} camera(s) never delivered` : ''} — ${s.verdict.held ? 'HELD' : `NOT HELD (${s.verdict.why.join('; ')})`} ${JSON.stringify(s.run.outcomes)}`
    );
  },
};

export function printSummary(
  log: (line: string) => void,
  o: {
    date: string;
    cores: number;
    load: { start: number[]; end: number[] };
    config: Config;
    quick: boolean;
    rounds: Round[];
    limitFps: number;
    benchCameras: number;
    defaultSteps: MixStep[];
    mixSteps: MixStep[];
    heldDefault: { held: number; atLeast: boolean } | null;
    heldMix: { held: number; atLeast: boolean } | null;
    workerCpuMs: number[];
    simCheck: SimCheck | null;
  },
): void {
  const rate = o.config.detect.scheduler.activeFps;
  const ratio = o.rounds.length
    ? ratioOfRounds(o.rounds.map((r) => ({ limitFps: r.limit.framesPerSec, serviceFps: r.serviceFps })))
    : NaN;
  const serviceFps = median(o.rounds.map((r) => r.serviceFps));
  const decoderCores = median(o.rounds.map((r) => r.limit.decoderCores));
  const limitCpu = median(o.rounds.map((r) => r.limit.decoderCores + r.limit.nodeCores));
  const simCores = median(o.rounds.map((r) => r.service.simCores));
  const workerLimit = median(o.rounds.map((r) => r.limit.workerCpuMs));
  const workerService = median(o.rounds.flatMap((r) => r.service.workerCpuMs));
  const cams = limitCameras(o.limitFps, rate);
  const held = (h: { held: number; atLeast: boolean } | null) =>
    h === null ? 'not run' : `${h.held}${h.atLeast ? ' (every step held)' : ''}`;
  if (o.rounds.length) {
    log(
      `(a) limit: ${f1(o.limitFps)} frames/s = ${f1(cams)} cameras at ${rate}/s (median of ${o.rounds.length} slices); decoding is inside it: ` +
        `its decoders used ${f2(decoderCores)} of ${o.cores} cores (${Math.round((decoderCores / limitCpu) * 100)} % of the loop's CPU)`,
    );
    log(
      `(b) service: ${f1(serviceFps)} frames/s with ${o.benchCameras} cameras; ratioVsLimit ${f2(ratio)} (median of per-round ratios); ` +
        `streams-sim took ${f2(simCores)} cores beside it (real cameras are elsewhere)`,
    );
    log(
      `    worker CPU per frame (median): limit ${f1(workerLimit)} ms, service ${Number.isFinite(workerService) ? `${f1(workerService)} ms` : 'n/a (the pool reports no workerCpuMs)'}`,
    );
  }
  log(`(c) cameras held, default pipeline, all with people: ${held(o.heldDefault)}`);
  log(`(d) cameras held, mix (a quarter on permits, the rest idle with motion): ${held(o.heldMix)}`);
  const line = {
    bench: 'detect',
    date: o.date,
    quick: o.quick,
    cores: o.cores,
    load: o.load,
    models: o.config.detect.models ?? 'defaultPipeline',
    sessions: o.config.detect.sessions,
    threads: o.config.detect.threads,
    detectFps: o.config.ingest.detectFps,
    idleKeyframesOnly: o.config.ingest.idleKeyframesOnly,
    idleKeyframesAfterSeconds: o.config.ingest.idleKeyframesAfterSeconds,
    ratioVsLimit: num(ratio, 3),
    camerasHeldDefault: o.heldDefault?.held ?? null,
    camerasHeldDefaultAtLeast: o.heldDefault?.atLeast ?? null,
    camerasHeldMix: o.heldMix?.held ?? null,
    camerasHeldMixAtLeast: o.heldMix?.atLeast ?? null,
    limitFramesPerSec: num(o.limitFps, 1),
    limitCameras: num(cams, 1),
    serviceFramesPerSec: num(serviceFps, 1),
    serviceCameras: o.benchCameras || null,
    decoderCoreShare: num(decoderCores / o.cores, 3),
    simCoreShare: num(simCores / o.cores, 3),
    workerCpuMsLimit: num(workerLimit, 1),
    workerCpuMsService: num(workerService, 1),
    rounds: o.rounds.map((r) => ({
      limitFps: num(r.limit.framesPerSec, 1),
      serviceFps: num(r.serviceFps, 1),
      limitDecoderCores: num(r.limit.decoderCores),
      limitNodeCores: num(r.limit.nodeCores),
      limitWaitShare: num(r.limit.waitShare, 3),
      serviceDecoderCores: num(r.service.decoderCores),
      serviceNodeCores: num(r.service.nodeCores),
      simCores: num(r.service.simCores),
      serviceInferMs: num(r.service.inferMs, 1),
      outcomes: r.service.outcomes,
    })),
    simMounts: o.simCheck && {
      mounts: o.simCheck.mounts,
      served: o.simCheck.served,
      medianFps: num(o.simCheck.medianFps, 1),
      simCores: num(o.simCheck.simCores),
      simCoresPerCamera: num(o.simCheck.simCoresPerCamera, 4),
    },
    stepsDefault: o.defaultSteps.map(stepFigures),
    stepsMix: o.mixSteps.map(stepFigures),
  };
  const missing = missingFields(line);
  if (missing.length) throw new Error(`bench:detect JSON lacks ${missing.join(', ')}`);
  log(JSON.stringify(line));
}
