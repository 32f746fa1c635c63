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
  transport?: 'tcp' | 'udp';
  /** socket I/O timeout; ffmpeg exits when the camera is silent this long (ms) */
  timeoutMs?: number;
  /** decode keyframes only (`-skip_frame nokey`): a fraction of the CPU for idle cameras */
  keyframesOnly?: boolean;
  /** decoder threads; 1 keeps many cameras from fighting over a few cores */
  threads?: number;
}

export function buildFfmpegArgs(i: FfmpegInput): string[] {
  if (!(i.fps > 0) || i.width < 2 || i.height < 2) throw new Error('buildFfmpegArgs: bad size or fps');
  const scheme = schemeOf(i.url);
  // verbose: ffmpeg then logs the SDP once the RTSP handshake worked (tells "stalled" from "offline");
  // it adds a few lines per connection, nothing per frame
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'verbose'];
  if (scheme === 'rtsp' || scheme === 'rtsps') {
    args.push('-rtsp_transport', i.transport ?? 'tcp');
    // ffmpeg ≥ 5: -timeout is the RTSP socket I/O timeout in microseconds (was -stimeout)
    args.push('-timeout', String(Math.round((i.timeoutMs ?? 5000) * 1000)));
  } else if (scheme === 'http' || scheme === 'https') {
    args.push('-rw_timeout', String(Math.round((i.timeoutMs ?? 5000) * 1000)));
  } else if (scheme === 'file') {
    // a file plays in real time and loops, like a camera (demos, tests)
    args.push('-re', '-stream_loop', '-1');
  } else {
    throw new Error(`buildFfmpegArgs: unsupported URL scheme "${scheme}"`);
  }
  // Frames are stamped with our receive time: a camera clock that jumps (or wraps) cannot make the
  // sampler below stop or burst. Not for a file: `-re` paces reading by the packets' timestamps, and
  // wall-clock ones (≈ 1.8e9 s) would make it wait for ever (one frame, then nothing).
  if (scheme !== 'file') args.push('-use_wallclock_as_timestamps', '1');
  args.push('-fflags', '+nobuffer+discardcorrupt', '-flags', 'low_delay');
  // short probing: the SDP already names the codec; a long probe only delays the first frame
  args.push('-analyzeduration', '500000', '-probesize', '500000');
  args.push('-threads', String(i.threads ?? 1));
  if (i.keyframesOnly) args.push('-skip_frame', 'nokey');
  args.push('-i', scheme === 'file' ? i.url.replace(/^file:(\/\/)?/, '') : i.url);
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

export function schemeOf(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  return m ? m[1]!.toLowerCase() : '';
}

/** A URL safe to show or log: credentials removed (`rtsp://user:pass@host/x` → `rtsp://host/x`). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
