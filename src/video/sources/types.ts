/**
 * What a camera source is to the rest of video/: a URL plus the few per-camera settings ffmpeg needs
 * to open it, and the purpose it is opened for. Each source type (one file each: rtsp.ts, http.ts,
 * file.ts) says how its scheme is opened; registry.ts adds what depends on the purpose.
 */

/**
 * RTSP lower transport: `auto` tries TCP, and over UDP when the server refuses TCP (461/400), remembering
 * what worked until the camera next fails (rtsp-transport.ts).
 */
export type RtspTransport = 'tcp' | 'udp' | 'auto';

/**
 * Why a source is opened: `ingest` decodes frames for detection and health, `live` re-encodes for the
 * browser relay, `probe` asks ffprobe what the stream is, `evidence` copies it into the clip ring.
 */
export type SourcePurpose = 'ingest' | 'live' | 'probe' | 'evidence';

export interface CameraSource {
  url: string;
  /** RTSP only; TCP when not given (no UDP loss, works through NAT and firewalls) */
  rtspTransport?: RtspTransport;
  /** socket I/O timeout (ms): a silent network camera makes ffmpeg exit after this long; 5000 when not given */
  timeoutMs?: number;
}

export interface SourceType {
  /** short name for docs and messages */
  id: string;
  /** lower-case URL schemes handled; '' stands for a bare file path */
  schemes: readonly string[];
  /** Chinese first, English second */
  zh: string;
  en: string;
  /**
   * A recording played as a camera: read in real time (`-re`) and looped for ever, stamped with its own
   * timestamps. False for a live camera: stamped with our receive time, read unbuffered for the relay.
   */
  loops: boolean;
  /** the protocol's own input options (transport, timeouts), before `-i` */
  options(source: CameraSource, purpose: SourcePurpose): string[];
  /** what ffmpeg is asked to open (`-i` value) */
  target(url: string): string;
}

export const DEFAULT_SOURCE_TIMEOUT_MS = 5000;

/** The socket timeout in microseconds, as ffmpeg's -timeout and -rw_timeout want it. */
export function timeoutMicros(source: CameraSource): string {
  return String(Math.round((source.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS) * 1000));
}
