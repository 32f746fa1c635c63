import type { HealthState } from './types.ts';
import type { FailureReason } from './ffmpeg-errors.ts';

/**
 * Camera health as a pure state machine (no I/O, time passed in). `classify` turns what the supervisor
 * observed into a raw condition; `step` applies hysteresis: a fault must persist `enterMs` before the
 * state changes, and a camera must look healthy for `recoverMs` in `recovering` before it is `online`
 * again. So jitter (a late frame, one dark frame, one reconnect) never toggles the state.
 */
export interface Signals {
  /** ffmpeg has the stream open right now */
  connected: boolean;
  lastFrameAt: number | null;
  /** why the last connection attempt ended; cleared when a session opens */
  failure: FailureReason | null;
  /** the camera answers RTSP (DESCRIBE/SETUP/PLAY) but its last session ended without any media */
  silentSession: boolean;
  /** statistics of the latest frame */
  meanLuma: number | null;
  stdLuma: number | null;
  /** time of the first frame of the current run of unchanged frames, null when the picture moves */
  unchangedSince: number | null;
  /** the camera's usual interval between delivered frames (ms), null until known (frame-cadence.ts) */
  typicalIntervalMs?: number | null;
}

export type FaultState = Exclude<HealthState, 'online' | 'recovering'>;

export interface HealthThresholds {
  /** no frame for this long counts as "no frames" (≥ 2 sample intervals) */
  noFrameMs: number;
  /** a camera whose own cadence is slower (keyframes only) gets twice its interval, at most this */
  maxNoFrameMs: number;
  /** mean luma (0-255) below this is dark */
  darkLuma: number;
  /** luma standard deviation below this is a near-uniform (covered) picture */
  uniformStd: number;
  /** fraction of grid samples that must change between frames for the picture to count as moving */
  minChange: number;
  /** identical frames must have been observed over this span to count as frozen */
  frozenSpanMs: number;
  enterMs: Record<FaultState, number>;
  recoverMs: number;
}

export const DEFAULT_THRESHOLDS: HealthThresholds = {
  noFrameMs: 1500,
  maxNoFrameMs: 10_000,
  darkLuma: 24,
  uniformStd: 7,
  minChange: 0.001,
  frozenSpanMs: 1500,
  // frozen's hold is frozenSpanMs, measured on the frames themselves, so no extra delay here
  enterMs: { offline: 1500, stalled: 1500, frozen: 0, dark: 1500, obstructed: 1500 },
  recoverMs: 1000,
};

export interface Condition {
  state: Exclude<HealthState, 'recovering'>;
  reason: string;
  message: string;
  /** when the evidence began, if earlier than now (frozen: the first of the identical frames) */
  since?: number;
  /** offline / stalled: the last frame seen before the picture went (two faults with the same last frame are one absence) */
  lastFrameAt?: number | null;
}

const c = (state: Condition['state'], reason: string, message: string, since?: number): Condition =>
  since === undefined ? { state, reason, message } : { state, reason, message, since };

/** The raw condition now, or null when there is no evidence either way (a connection attempt in progress). */
export function classify(s: Signals, now: number, th: HealthThresholds): Condition | null {
  if (!s.connected && s.failure)
    return { ...c('offline', s.failure.reason, s.failure.message), lastFrameAt: s.lastFrameAt };
  const noFrameMs = Math.min(
    Math.max(th.noFrameMs, 2 * (s.typicalIntervalMs ?? 0)),
    Math.max(th.noFrameMs, th.maxNoFrameMs),
  );
  const fresh = s.lastFrameAt !== null && now - s.lastFrameAt <= noFrameMs;
  if (!fresh) {
    if (s.connected || s.silentSession)
      return {
        ...c('stalled', 'no_frames', '已连接但没有画面 Connected but no frames arrive'),
        lastFrameAt: s.lastFrameAt,
      };
    return null;
  }
  if (s.meanLuma !== null && s.meanLuma < th.darkLuma)
    return c('dark', 'mean_luma_low', '画面全黑 Picture is black');
  if (s.stdLuma !== null && s.stdLuma < th.uniformStd)
    return c('obstructed', 'near_uniform', '画面被遮挡（几乎单一颜色） Lens covered: near-uniform picture');
  if (s.unchangedSince !== null) {
    // judged on frames actually seen: two identical frames followed by silence are not "frozen"
    if (s.lastFrameAt! - s.unchangedSince < th.frozenSpanMs) return null;
    return c(
      'frozen',
      'identical_frames',
      '画面冻结（帧不变化） Picture frozen: frames do not change',
      s.unchangedSince,
    );
  }
  return c('online', 'ok', '画面正常 Picture live');
}

export interface Health {
  state: HealthState;
  reason: string;
  message: string;
  since: number;
  /** a different condition seen since `pending.since`, not yet held long enough */
  pending: (Condition & { since: number }) | null;
  /** in `recovering`: healthy continuously since */
  okSince: number | null;
}

export function initialHealth(now: number): Health {
  return {
    state: 'recovering',
    reason: 'starting',
    message: '正在连接摄像头 Connecting to the camera',
    since: now,
    pending: null,
    okSince: null,
  };
}

const NO_PICTURE = new Set<HealthState>(['offline', 'stalled']);

export function step(h: Health, raw: Condition | null, now: number, th: HealthThresholds): Health {
  if (raw === null) return h;
  if (raw.state === 'online') {
    if (h.state === 'online') return h.pending ? { ...h, pending: null } : h;
    if (h.state !== 'recovering')
      return {
        state: 'recovering',
        reason: 'picture_back',
        message: '画面恢复中 Picture back, confirming',
        since: now,
        pending: null,
        okSince: now,
      };
    const okSince = h.okSince ?? now;
    if (now - okSince >= th.recoverMs)
      return {
        state: 'online',
        reason: raw.reason,
        message: raw.message,
        since: now,
        pending: null,
        okSince: null,
      };
    return h.okSince === okSince && !h.pending ? h : { ...h, pending: null, okSince };
  }
  if (raw.state === h.state) return h.pending ? { ...h, pending: null } : h;
  // "No picture" that changes its look (offline while ffmpeg restarts, then connected and stalled) is one
  // continuous absence when no frame came in between (same last frame): its hold counts from the first
  // evidence, so a camera that alternates between the two cannot stay "online" for ever. A frame in
  // between, even one no tick saw, starts a new hold.
  const noPicture = NO_PICTURE.has(raw.state);
  const continuous =
    noPicture &&
    h.pending !== null &&
    NO_PICTURE.has(h.pending.state) &&
    h.pending.lastFrameAt === raw.lastFrameAt;
  const pending =
    h.pending?.state === raw.state && (!noPicture || continuous)
      ? h.pending
      : {
          ...raw,
          since: Math.max(Math.min(raw.since ?? now, continuous ? h.pending!.since : now, now), h.since),
        };
  if (now - pending.since >= th.enterMs[raw.state])
    return {
      state: raw.state,
      reason: raw.reason,
      message: raw.message,
      since: pending.since,
      pending: null,
      okSince: null,
    };
  return pending === h.pending && h.okSince === null ? h : { ...h, pending, okSince: null };
}
