import { HEALTH_STATE_ZH, type HealthState } from '../../video/ingest/types.ts';

/**
 * Permit-to-video audit as a pure function over intervals (epoch ms, half-open [start, end)).
 * Given a permit's actual work windows and each bound camera's health timeline, it answers: how much
 * of the work was watched by live video, every gap with its cause, and a verdict.
 * A moment counts as monitored when any (default) or all bound cameras are `online`; time a camera
 * has no health record for counts as unmonitored, with cause `no_health_record`.
 */
export interface Interval {
  start: number;
  end: number;
}
export interface HealthInterval extends Interval {
  state: HealthState;
  reason: string;
  /** the health record's sentence, Chinese first (ingest's health machine / ffmpeg-errors.ts) */
  message?: string;
}
export interface CameraTimeline {
  cameraId: string;
  intervals: HealthInterval[];
}
export interface GapCause {
  cameraId: string;
  state: HealthState | 'unknown';
  reason: string;
  message?: string;
}
export interface Gap extends Interval {
  durationMs: number;
  /** machine-readable (`cam1 offline (unavailable)`): stable, what merges neighbouring segments */
  cause: string;
  /** for people, Chinese first (`cam1 离线：摄像头暂不可用 Camera unavailable`): the UI and the exports */
  causeText: string;
  causes: GapCause[];
}
export type Verdict = 'fully_monitored' | 'gaps' | 'work_without_monitoring' | 'no_work';
export const VERDICT_ZH: Record<Verdict, string> = {
  fully_monitored: '全程监控',
  gaps: '存在监控中断',
  work_without_monitoring: '无监控作业',
  no_work: '未实际作业',
};
export interface CoverageOptions {
  require: 'any' | 'all';
  /** a contiguous unmonitored stretch longer than this → work_without_monitoring */
  maxGapMs: number;
  /** coverage below this → work_without_monitoring */
  minCoveragePct: number;
}
export interface CoverageResult {
  workMs: number;
  monitoredMs: number;
  coveragePct: number;
  longestGapMs: number;
  gaps: Gap[];
  verdict: Verdict;
}

/** Sorts and merges overlapping or touching intervals; drops empty ones. */
export function mergeIntervals(xs: Interval[]): Interval[] {
  const sorted = xs.filter((x) => x.end > x.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const x of sorted) {
    const last = out.at(-1);
    if (last && x.start <= last.end) last.end = Math.max(last.end, x.end);
    else out.push({ start: x.start, end: x.end });
  }
  return out;
}

/** Turns state changes (each in effect from `at` until the next) into intervals clipped to [from, to). */
export function changesToIntervals(
  changes: { at: number; state: HealthState; reason: string; message?: string }[],
  from: number,
  to: number,
): HealthInterval[] {
  const sorted = [...changes].sort((a, b) => a.at - b.at);
  const out: HealthInterval[] = [];
  sorted.forEach((c, i) => {
    const start = Math.max(c.at, from);
    const end = Math.min(sorted[i + 1]?.at ?? to, to);
    if (end > start)
      out.push({
        start,
        end,
        state: c.state,
        reason: c.reason,
        ...(c.message ? { message: c.message } : {}),
      });
  });
  return out;
}

function stateAt(t: CameraTimeline, at: number): GapCause {
  const i = t.intervals.find((x) => x.start <= at && at < x.end);
  return i
    ? { cameraId: t.cameraId, state: i.state, reason: i.reason, ...(i.message ? { message: i.message } : {}) }
    : { cameraId: t.cameraId, state: 'unknown', reason: 'no_health_record' };
}

const describe = (cs: GapCause[]): string =>
  cs.length === 0 ? 'no_camera_bound' : cs.map((c) => `${c.cameraId} ${c.state} (${c.reason})`).join('; ');

/** A gap's causes for people, Chinese first: state, then the health record's own sentence. */
export function describeForPeople(cs: GapCause[]): string {
  if (cs.length === 0) return '未绑定摄像头 No camera bound to the permit';
  return cs
    .map((c) => `${c.cameraId} ${HEALTH_STATE_ZH[c.state]}${c.message ? `：${c.message}` : ''}`)
    .join('；');
}

export function auditCoverage(
  work: Interval[],
  cameras: CameraTimeline[],
  opts: CoverageOptions,
): CoverageResult {
  const windows = mergeIntervals(work);
  const workMs = windows.reduce((s, w) => s + (w.end - w.start), 0);
  if (workMs === 0)
    return { workMs: 0, monitoredMs: 0, coveragePct: 100, longestGapMs: 0, gaps: [], verdict: 'no_work' };
  const gaps: Gap[] = [];
  let monitoredMs = 0;
  let longest = 0;
  let run = 0; // current contiguous unmonitored stretch
  for (const w of windows) {
    const points = new Set<number>([w.start, w.end]);
    for (const c of cameras)
      for (const x of c.intervals) {
        if (x.start > w.start && x.start < w.end) points.add(x.start);
        if (x.end > w.start && x.end < w.end) points.add(x.end);
      }
    const ps = [...points].sort((a, b) => a - b);
    for (let i = 0; i + 1 < ps.length; i++) {
      const start = ps[i]!;
      const end = ps[i + 1]!;
      const states = cameras.map((c) => stateAt(c, start));
      const live = states.map((s) => s.state === 'online');
      const ok = cameras.length > 0 && (opts.require === 'all' ? live.every(Boolean) : live.some(Boolean));
      if (ok) {
        monitoredMs += end - start;
        run = 0;
        continue;
      }
      const causes = states.filter((s) => s.state !== 'online');
      const cause = describe(causes);
      const last = gaps.at(-1);
      if (last && last.end === start && last.cause === cause) {
        last.end = end;
        last.durationMs = end - last.start;
      } else
        gaps.push({
          start,
          end,
          durationMs: end - start,
          cause,
          causeText: describeForPeople(causes),
          causes,
        });
      run += end - start; // segments of one window are contiguous
      longest = Math.max(longest, run);
    }
    run = 0; // a pause in the work ends a stretch
  }
  const coveragePct = Math.round((monitoredMs / workMs) * 10_000) / 100;
  const verdict: Verdict =
    monitoredMs === workMs
      ? 'fully_monitored'
      : monitoredMs === 0 || coveragePct < opts.minCoveragePct || longest > opts.maxGapMs
        ? 'work_without_monitoring'
        : 'gaps';
  return { workMs, monitoredMs, coveragePct, longestGapMs: longest, gaps, verdict };
}
