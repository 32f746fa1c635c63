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
