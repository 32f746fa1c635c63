/** Contracts between ingest and its consumers (detect scheduler, health, evidence, permits gate). */

/** A decoded frame: packed RGB24, `width * height * 3` bytes, row-major. */
export interface Frame {
  cameraId: string;
  /** server receive time, epoch ms */
  ts: number;
  seq: number;
  width: number;
  height: number;
  data: Buffer;
  /**
   * Only on frames lent to a consumer that asked for them (`onFrame(id, h, { lent: true })`): `data`
   * belongs to ingest's buffer pool and is overwritten by a later frame once every holder released
   * it. A consumer that keeps such a frame beyond its handler call retains it first and releases it
   * when done; anything that stores pixels for later (evidence, a result handed on) copies them.
   * Frames without a lease are owned by whoever receives them.
   */
  lease?: FrameLease;
}

/** Reference count of a lent frame's pooled buffer (frame-pool.ts). */
export interface FrameLease {
  retain(): void;
  release(): void;
}

/** A frame whose pixels are the caller's own: `frame` itself if it is not lent, else a copy. */
export function ownedFrame(frame: Frame): Frame {
  if (!frame.lease) return frame;
  const { lease: _lease, ...rest } = frame;
  return { ...rest, data: Buffer.from(frame.data) };
}

export const HEALTH_STATES = [
  'online',
  'offline',
  'stalled',
  'frozen',
  'dark',
  'obstructed',
  'recovering',
] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** Health states as people read them (the wall's badges, the audit, a permit's suspension reason). */
export const HEALTH_STATE_ZH: Record<HealthState | 'unknown', string> = {
  online: '在线',
  offline: '离线',
  stalled: '卡顿无画面',
  frozen: '画面冻结',
  dark: '画面过暗',
  obstructed: '镜头遮挡',
  recovering: '恢复中',
  unknown: '无健康记录',
};

/** Monitoring counts as live only in this state (the permit gate and the audit rely on it). */
export const isLive = (s: HealthState): boolean => s === 'online';

export interface CameraHealth {
  cameraId: string;
  state: HealthState;
  /** machine-readable reason, e.g. `connection_refused`, `no_frames`, `identical_frames`, `mean_luma_low` */
  reason: string;
  /** human sentence, Chinese first */
  message: string;
  /** since when, epoch ms */
  since: number;
}
