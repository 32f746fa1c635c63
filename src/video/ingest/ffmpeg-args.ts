import { inputArgs } from '../sources/registry.ts';
import type { RtspTransport } from '../sources/types.ts';

/**
 * The ffmpeg command line for one camera, as a pure function (go2rtc style) so every option is visible
 * in table tests. Output: packed RGB24 frames of exactly width*height*3 bytes on stdout, sampled to at
 * most `fps` frames per second.
 */
export interface FfmpegInput {
  url: string;
  width: number;
  height: number;
  /** detection sample rate, frames per second */
  fps: number;
  /** RTSP lower transport; TCP by default (no UDP loss, works through NAT and firewalls) */
  transport?: RtspTransport;
  /** socket I/O timeout; ffmpeg exits when the camera is silent this long (ms) */
  timeoutMs?: number;
  /** decode keyframes only (`-skip_frame nokey`): a fraction of the CPU for idle cameras */
  keyframesOnly?: boolean;
  /** decoder threads; 1 keeps many cameras from fighting over a few cores */
  threads?: number;
}

export function buildFfmpegArgs(i: FfmpegInput): string[] {
  if (!(i.fps > 0) || i.width < 2 || i.height < 2) throw new Error('buildFfmpegArgs: bad size or fps');
  // verbose: ffmpeg then logs the SDP once the RTSP handshake worked (tells "stalled" from "offline");
  // it adds a few lines per connection, nothing per frame
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'verbose'];
  args.push('-fflags', '+nobuffer+discardcorrupt', '-flags', 'low_delay');
  // short probing: the SDP already names the codec; a long probe only delays the first frame
  args.push('-analyzeduration', '500000', '-probesize', '500000');
  args.push('-threads', String(i.threads ?? 1));
  if (i.keyframesOnly) args.push('-skip_frame', 'nokey');
  // how the camera is opened (transport, timeouts, wall-clock stamps, a file's looping) is the source
  // type's (video/sources); these input options end with `-i`
  args.push(...inputArgs({ url: i.url, rtspTransport: i.transport, timeoutMs: i.timeoutMs }, 'ingest'));
  // select keeps a frame when at least ~1/fps has passed since the last kept one: it drops, never
  // duplicates (the fps filter would replay the last frame to fill a gap after a stall). It runs before
  // scale, so dropped frames cost no scaling or RGB conversion.
  const minGap = (0.95 / i.fps).toFixed(3);
  const vf = [
    `select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${minGap})'`,
    `scale=${i.width}:${i.height}:flags=bilinear`,
    'format=rgb24',
  ].join(',');
  // one filter thread: a few small frames a second gain nothing from slice threading, and with one
  // ffmpeg per camera the extra threads only add switching (bench:ingest, 24 cameras, alternating
  // runs: ffmpeg CPU per camera-second 0.0238 → 0.0213 s on average, lower in each of 3 pairs)
  args.push(
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-filter_threads',
    '1',
    '-vf',
    vf,
    '-fps_mode',
    'passthrough',
  );
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  return args;
}
