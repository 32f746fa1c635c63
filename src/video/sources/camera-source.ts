import type { CameraSource, RtspTransport } from './types.ts';

/** The per-camera settings of a configured camera (sites[].cameras[]) that a source needs. */
export interface CameraSourceConfig {
  url: string;
  recordUrl?: string;
  rtspTransport?: RtspTransport;
}

/** The service-wide defaults (ingest.*) a camera falls back to. */
export interface SourceDefaults {
  rtspTransport: RtspTransport;
  timeoutMs: number;
}

/** A configured camera's detect stream (`url`) or its record stream (`recordUrl`, else `url`). */
export function cameraSource(
  camera: CameraSourceConfig,
  defaults: SourceDefaults,
  stream: 'detect' | 'record' = 'detect',
): CameraSource {
  return {
    url: stream === 'record' ? (camera.recordUrl ?? camera.url) : camera.url,
    rtspTransport: camera.rtspTransport ?? defaults.rtspTransport,
    timeoutMs: defaults.timeoutMs,
  };
}
