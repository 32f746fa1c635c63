import { inputArgs } from '../sources/registry.ts';
import type { CameraSource } from '../sources/types.ts';

/**
 * ffmpeg arguments for the browser relay, as a pure function (go2rtc habit: table-tested, no I/O).
 * Output is MPEG-TS carrying MPEG-1 video, which jsmpeg decodes in the browser with ~no buffering:
 * the re-encode costs CPU per *viewed* camera, but glass-to-glass latency stays low and any browser
 * plays it (no MSE / codec negotiation). B-frames off and a short GOP so a new viewer sees a picture
 * within a second.
 */
export interface LiveEncodeOptions {
  width: number;
  height: number;
  fps: number;
  /** target video bitrate in kbit/s */
  bitrateKbps: number;
  /** socket I/O timeout for network sources: a camera that stalls makes ffmpeg exit, and we respawn */
  ioTimeoutMs: number;
}

export const DEFAULT_LIVE_ENCODE: LiveEncodeOptions = {
  width: 640,
  height: 360,
  fps: 25,
  bitrateKbps: 1000,
  ioTimeoutMs: 5000,
};

export function liveFfmpegArgs(source: CameraSource, o: LiveEncodeOptions = DEFAULT_LIVE_ENCODE): string[] {
  const input: string[] = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
  // Low-delay decoding; a short probe so the first picture comes within a second.
  input.push('-flags', 'low_delay', '-probesize', '500000', '-analyzeduration', '500000');
  // How the camera is opened (its transport, timeouts, unbuffered reading, a file's looping) is the
  // source type's; options before -i apply to the input (node-rtsp-stream put them after -i, so TCP
  // was ignored).
  input.push(...inputArgs({ ...source, timeoutMs: source.timeoutMs ?? o.ioTimeoutMs }, 'live'));
  const vf = `scale=${o.width}:${o.height}:force_original_aspect_ratio=decrease,pad=${o.width}:${o.height}:(ow-iw)/2:(oh-ih)/2`;
  const output = [
    '-an',
    '-vf',
    vf,
    '-r',
    String(o.fps),
    '-c:v',
    'mpeg1video',
    '-b:v',
    `${o.bitrateKbps}k`,
    '-maxrate',
    `${o.bitrateKbps * 2}k`,
    '-bufsize',
    `${o.bitrateKbps}k`,
    '-bf',
    '0',
    '-g',
    String(o.fps),
    '-f',
    'mpegts',
    // Flush every packet to stdout immediately instead of filling the muxer's buffer.
    '-flush_packets',
    '1',
    '-muxdelay',
    '0.001',
    'pipe:1',
  ];
  return [...input, ...output];
}

/** go2rtc-style stepped back-off for respawns: 1 s ×5, then 5 s, 10 s, and 60 s from then on. */
export function respawnDelayMs(consecutiveFailures: number): number {
  if (consecutiveFailures <= 5) return 1000;
  if (consecutiveFailures === 6) return 5000;
  if (consecutiveFailures === 7) return 10_000;
  return 60_000;
}

/** Camera id from a relay path `/live/<cameraId>` (query ignored); null for any other path. */
export function cameraIdFromPath(rawUrl: string | undefined): string | null {
  if (!rawUrl) return null;
  const path = rawUrl.split('?')[0] ?? '';
  const m = /^\/live\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})$/.exec(path);
  return m?.[1] ?? null;
}
