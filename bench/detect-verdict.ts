/**
 * bench:detect's pure arithmetic (no I/O, no clocks; tests/unit/bench-detect-verdict.test.ts): whether
 * a camera count is held, how many were held over the steps, and the shape of the closing JSON line.
 */

/** p-th percentile (nearest rank); NaN for no samples. */
export function pct(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const median = (xs: readonly number[]): number => pct(xs, 50);

export interface HoldCriteria {
  /** detections per second each active camera is due (detect.scheduler.activeFps) */
  activeRate: number;
  /** how far under it a camera may average and still count (2/s → 1.9/s: the issue's allowance) */
  rateAllowance: number;
  /** p95 frame-to-result budget of active cameras, ms */
  p95Ms: number;
  /** what an idle camera is due (detect.scheduler.idleFps) and its allowance */
  idleRate: number;
  idleAllowance: number;
  /** p95 of motion onset → first result on an idle camera, ms (unanswered onsets count as Infinity) */
  motionP95Ms: number;
}

export const DEFAULT_CRITERIA: HoldCriteria = {
  activeRate: 2,
  rateAllowance: 0.1,
  p95Ms: 1500,
  idleRate: 0.5,
  idleAllowance: 0.05,
  motionP95Ms: 1500,
};

/** What one step measured over its window. */
export interface StepMeasure {
  cameras: number;
  windowS: number;
  /** detections per second of each camera that must run at the active rate */
  activeRates: number[];
  /** frame-to-result of the active cameras' results, ms */
  activeLatenciesMs: number[];
  /** detections per second of each idle camera (mix only) */
  idleRates?: number[];
  /** motion onset → first result with a frame from after the onset, ms; Infinity = not answered */
  motionAnswerMs?: number[];
}

export interface StepVerdict {
  held: boolean;
  /** why not, in words (empty when held) */
  why: string[];
}

/**
 * A step holds when the active cameras average at least activeRate − allowance, none is under that by
 * more than one result in the window (a result falling either side of the window's edge is counting
 * jitter, not a slow camera), their p95 frame-to-result is within budget and, in a mix, idle cameras
 * get their idle rate and motion on them is answered in time.
 */
export function stepVerdict(m: StepMeasure, c: HoldCriteria = DEFAULT_CRITERIA): StepVerdict {
  const why: string[] = [];
  const jitter = 1 / m.windowS;
  const floorOf = (rate: number, allowance: number) => rate - allowance;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const activeFloor = floorOf(c.activeRate, c.rateAllowance);
  if (m.activeRates.length === 0) why.push('no active camera measured');
  else {
    if (mean(m.activeRates) < activeFloor)
      why.push(`active cameras ${mean(m.activeRates).toFixed(2)}/s < ${activeFloor}/s`);
    const worst = Math.min(...m.activeRates);
    if (worst < activeFloor - jitter) why.push(`slowest active camera ${worst.toFixed(2)}/s`);
  }
  const p95 = pct(m.activeLatenciesMs, 95);
  if (!(p95 <= c.p95Ms)) why.push(`p95 frame-to-result ${Number.isNaN(p95) ? 'n/a' : Math.round(p95)} ms`);
  if (m.idleRates && m.idleRates.length > 0) {
    const idleFloor = floorOf(c.idleRate, c.idleAllowance);
    if (mean(m.idleRates) < idleFloor)
      why.push(`idle cameras ${mean(m.idleRates).toFixed(2)}/s < ${idleFloor}/s`);
    const worst = Math.min(...m.idleRates);
    if (worst < idleFloor - jitter) why.push(`slowest idle camera ${worst.toFixed(2)}/s`);
  }
  if (m.motionAnswerMs && m.motionAnswerMs.length > 0) {
    const mp95 = pct(m.motionAnswerMs, 95);
    if (!(mp95 <= c.motionP95Ms))
      why.push(`motion answered p95 ${Number.isFinite(mp95) ? `${Math.round(mp95)} ms` : 'never'}`);
  }
  return { held: why.length === 0, why };
}

/**
 * Cameras held over increasing steps: the largest step held before the first that is not (a step held
 * after a failed one is noise on a shared machine, not capacity). `atLeast` when every step held.
 */
export function camerasHeld(steps: readonly { cameras: number; held: boolean }[]): {
  held: number;
  atLeast: boolean;
} {
  let held = 0;
  for (const s of steps) {
    if (!s.held) return { held, atLeast: false };
    held = s.cameras;
  }
  return { held, atLeast: steps.length > 0 };
}

/**
 * Cameras the limit holds: each camera at the active rate costs `activeRate` of the loop's frames per
 * second (and the loop's frames already carry that camera's decoding: see bench/detect-limit.ts).
 */
export const limitCameras = (limitFramesPerSec: number, activeRate: number): number =>
  limitFramesPerSec / activeRate;

/** The ratio of side-by-side rounds: median of each round's (b) ÷ (a). */
export function ratioOfRounds(rounds: readonly { limitFps: number; serviceFps: number }[]): number {
  return median(rounds.filter((r) => r.limitFps > 0).map((r) => r.serviceFps / r.limitFps));
}

/** The fields the closing JSON line must carry (the issue's, plus what makes them checkable). */
export const REQUIRED_FIELDS = [
  'ratioVsLimit',
  'camerasHeldDefault',
  'camerasHeldMix',
  'limitFramesPerSec',
  'limitCameras',
  'serviceFramesPerSec',
  'decoderCoreShare',
  'simCoreShare',
  'load',
  'date',
  'rounds',
  'stepsDefault',
  'stepsMix',
] as const;

/** Fields REQUIRED_FIELDS names that `line` lacks (a missing phase must still print its field, as null). */
export function missingFields(line: Record<string, unknown>): string[] {
  return REQUIRED_FIELDS.filter((f) => !(f in line));
}

/** Rounds to `d` decimals; NaN and ±Infinity become null (JSON has neither). */
export function num(v: number, d = 2): number | null {
  if (!Number.isFinite(v)) return null;
  const k = 10 ** d;
  return Math.round(v * k) / k;
}
