import type { CameraSupervisor } from './camera-supervisor.ts';
import type { FramePool } from './frame-pool.ts';
import type { CameraHealth } from './types.ts';

export interface CameraStats {
  frames: number;
  spawned: number;
  exits: number;
  dropped: number;
  pid?: number;
  /** the camera's frame pool (frame-pool.ts), when frames are pooled */
  buffers?: FramePool['counts'];
}

/** One camera's counters for `IngestService.stats()` (bench, diagnostics). */
export function cameraStats(sup: CameraSupervisor | null, dropped: number): CameraStats {
  return {
    ...(sup?.counters ?? { frames: 0, spawned: 0, exits: 0 }),
    dropped,
    ...(sup?.pid ? { pid: sup.pid } : {}),
    ...(sup?.pool ? { buffers: { ...sup.pool.counts } } : {}),
  };
}

/**
 * /healthz's `ingest` entry. One camera down is a camera problem (shown per camera); EVERY configured
 * camera down means no permit can be monitored, and a service that answers "ok" then lies (#23): degraded.
 */
export function ingestHealthz(
  running: boolean,
  all: CameraHealth[],
  enabled: number,
): { ok: boolean; detail: string } {
  const online = all.filter((h) => h.state === 'online').length;
  const detail = `${online}/${all.length} cameras online 在线`;
  if (!running) return { ok: false, detail: `ingest stopped; ${detail}` };
  if (enabled > 0 && online === 0) return { ok: false, detail: `无摄像头在线 no camera live: ${detail}` };
  return { ok: true, detail };
}
