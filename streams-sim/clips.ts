import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Clips the simulated cameras play. Every clip is pre-encoded once (H.264, 640x360, 25 fps, GOP 1 s, no
 * B-frames, SPS/PPS repeated in-band) so publishers only copy packets (`-c copy`: ~1% of a core per
 * camera) and the RTSP server can pick up a stream at any keyframe. Clips are cached under
 * var/sim-cache/ (gitignored) keyed by a hash of what they are made from.
 */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_CACHE_DIR = join(ROOT, 'var', 'sim-cache');
export const FACTORY_CLIP = join(ROOT, '..', 'shared', 'clips', 'press-shop-cctv.mp4');

export const SIM_WIDTH = 640;
export const SIM_HEIGHT = 360;
export const SIM_FPS = 25;

/** The sim format's encoder options (also bench:detect's idle scene, bench/detect-idle-clip.ts). */
export const ENCODE = [
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-profile:v',
  'main',
  '-pix_fmt',
  'yuv420p',
  '-g',
  String(SIM_FPS),
  '-keyint_min',
  String(SIM_FPS),
  '-sc_threshold',
  '0',
  '-bf',
  '0',
  '-x264-params',
  'repeat-headers=1',
  '-r',
  String(SIM_FPS),
  '-an',
];

export function runFfmpeg(args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`ffmpeg exited ${code}: ${err.trim()}`)),
    );
  });
}

/** Builds `name` in the cache once (atomic rename, so concurrent builders never see half a file). */
export async function cached(
  cacheDir: string,
  key: string,
  build: (tmp: string) => Promise<void>,
): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  const out = join(cacheDir, `${hash}.mp4`);
  if (existsSync(out)) return out;
  const tmp = join(cacheDir, `.${hash}.${process.pid}.${Date.now()}.mp4`);
  await build(tmp);
  renameSync(tmp, out);
  return out;
}

const VF_FIT = `scale=${SIM_WIDTH}:${SIM_HEIGHT}:force_original_aspect_ratio=decrease,pad=${SIM_WIDTH}:${SIM_HEIGHT}:(ow-iw)/2:(oh-ih)/2`;

/** An animated ffmpeg test pattern (never static, so it never looks frozen); `variant` shifts its hue. */
export function patternClip(variant: number, cacheDir = DEFAULT_CACHE_DIR): Promise<string> {
  const src = variant % 2 === 0 ? 'testsrc2' : 'testsrc';
  const key = `pattern:v1:${src}:${variant}`;
  return cached(cacheDir, key, (tmp) =>
    runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      `${src}=size=${SIM_WIDTH}x${SIM_HEIGHT}:rate=${SIM_FPS}`,
      '-vf',
      `hue=h=${(variant * 47) % 360}`,
      '-t',
      '12',
      ...ENCODE,
      tmp,
    ]),
  );
}

/** Any video file (e.g. the factory clip) normalised to the sim format. */
export function normalisedClip(path: string, cacheDir = DEFAULT_CACHE_DIR): Promise<string> {
  const st = statSync(path);
  return cached(cacheDir, `clip:v1:${resolve(path)}:${st.size}:${st.mtimeMs}`, (tmp) =>
    runFfmpeg(['-i', path, '-map', '0:v:0', '-vf', VF_FIT, ...ENCODE, tmp]),
  );
}

/**
 * A video file in the sim format but with a long GOP (a keyframe every `gopSeconds`), like the
 * factory clip's own 8.4 s or a camera tuned to save bandwidth: what makes a relay that waits for the
 * next keyframe slow to show its first picture. The raw clip itself cannot be served (SPS/PPS only in
 * its avcC, B-frames), hence re-encoded with headers in-band.
 */
export function longGopClip(path: string, gopSeconds: number, cacheDir = DEFAULT_CACHE_DIR): Promise<string> {
  const st = statSync(path);
  const gop = String(Math.round(gopSeconds * SIM_FPS));
  const encode = ENCODE.map((a, i) => (ENCODE[i - 1] === '-g' || ENCODE[i - 1] === '-keyint_min' ? gop : a));
  return cached(cacheDir, `longgop:v1:${resolve(path)}:${st.size}:${st.mtimeMs}:${gop}`, (tmp) =>
    runFfmpeg(['-i', path, '-map', '0:v:0', '-vf', VF_FIT, ...encode, tmp]),
  );
}

/** `freeze`: one frame of `clip`, repeated (decoded frames are identical). */
export function stillClip(clip: string, atSeconds = 1, cacheDir = DEFAULT_CACHE_DIR): Promise<string> {
  // constant quantiser: every keyframe re-encodes the still identically, so decoded frames repeat
  // exactly, as they do when a camera or relay keeps resending one picture
  return cached(cacheDir, `still:v3:${clip}:${atSeconds}`, (tmp) =>
    runFfmpeg([
      '-ss',
      String(atSeconds),
      '-i',
      clip,
      '-vf',
      `trim=end_frame=1,loop=loop=-1:size=1,setpts=N/${SIM_FPS}/TB`,
      '-t',
      '4',
      ...ENCODE,
      '-qp',
      '20',
      tmp,
    ]),
  );
}

/** `black` (lens dark) and `cover` (lens covered: a near-uniform, slightly noisy grey-brown frame). */
export function faultClip(kind: 'black' | 'cover', cacheDir = DEFAULT_CACHE_DIR): Promise<string> {
  const color = kind === 'black' ? 'black' : '0x6a5e52';
  const vf = kind === 'black' ? 'null' : 'noise=alls=3:allf=t';
  return cached(cacheDir, `fault:v2:${kind}`, (tmp) =>
    runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      `color=c=${color}:size=${SIM_WIDTH}x${SIM_HEIGHT}:rate=${SIM_FPS}`,
      '-vf',
      vf,
      '-t',
      '4',
      ...ENCODE,
      '-qp',
      '20',
      tmp,
    ]),
  );
}

export interface SlideshowOptions {
  /** seconds each image stays on screen (default 2) */
  secondsPerImage?: number;
  /**
   * temporal noise amplitude added to every frame (default 6) so a slideshow never looks like a frozen
   * camera to the health check; 0 turns it off.
   */
  noise?: number;
}

export interface SlideshowClip {
  path: string;
  width: number;
  height: number;
  fps: number;
  /**
   * What each stretch of the clip shows, and how image pixels map into the frame:
   * frameX = padX + imageX * scale (same for y). The clip loops, so at play time t use t % duration.
   */
  timeline: { image: string; fromS: number; toS: number; scale: number; padX: number; padY: number }[];
  durationS: number;
}

/**
 * A clip that shows each image in turn, letterboxed to 640x360, so end-to-end tests know what every
 * frame shows (e.g. labelled bare-head photos). Rebuilt only when the images or options change.
 */
export async function buildSlideshowClip(
  images: string[],
  out: string,
  opts: SlideshowOptions = {},
): Promise<SlideshowClip> {
  if (images.length === 0) throw new Error('buildSlideshowClip: no images');
  const per = opts.secondsPerImage ?? 2;
  const noise = opts.noise ?? 6;
  const sizes = await Promise.all(images.map(imageSize));
  const timeline = images.map((image, i) => {
    const [w, h] = sizes[i]!;
    const scale = Math.min(SIM_WIDTH / w, SIM_HEIGHT / h);
    return {
      image,
      fromS: i * per,
      toS: (i + 1) * per,
      scale,
      padX: Math.floor((SIM_WIDTH - Math.round(w * scale)) / 2),
      padY: Math.floor((SIM_HEIGHT - Math.round(h * scale)) / 2),
    };
  });
  const result: SlideshowClip = {
    path: resolve(out),
    width: SIM_WIDTH,
    height: SIM_HEIGHT,
    fps: SIM_FPS,
    timeline,
    durationS: images.length * per,
  };
  const key = JSON.stringify({
    v: 1,
    images: images.map((p) => [resolve(p), statSync(p).mtimeMs]),
    per,
    noise,
  });
  const stamp = `${out}.json`;
  if (
    existsSync(out) &&
    existsSync(stamp) &&
    (JSON.parse(readFileSync(stamp, 'utf8')) as { key: string }).key === key
  )
    return result;
  mkdirSync(dirname(resolve(out)), { recursive: true });
  const list = `${out}.txt`;
  const lines = images.flatMap((p) => [`file '${resolve(p).replace(/'/g, "'\\''")}'`, `duration ${per}`]);
  // the concat demuxer needs the last file repeated for its duration to count
  writeFileSync(
    list,
    [...lines, `file '${resolve(images.at(-1)!).replace(/'/g, "'\\''")}'`].join('\n') + '\n',
  );
  const vf = [VF_FIT, `fps=${SIM_FPS}`, noise > 0 ? `noise=alls=${noise}:allf=t` : 'null', 'format=yuv420p'];
  const tmp = `${out}.${process.pid}.tmp.mp4`;
  await runFfmpeg([
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    list,
    '-vf',
    vf.join(','),
    '-t',
    String(result.durationS),
    ...ENCODE,
    '-crf',
    '20',
    tmp,
  ]);
  renameSync(tmp, out);
  writeFileSync(stamp, JSON.stringify({ key, timeline }));
  return result;
}

/** Width and height of an image (ffprobe; no decoding library needed). */
export function imageSize(path: string): Promise<[number, number]> {
  return new Promise((res, reject) => {
    const p = spawn(
      'ffprobe',
      [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=width,height',
        '-of',
        'csv=p=0',
        path,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const m = /^(\d+),(\d+)/.exec(out.trim());
      if (code === 0 && m) res([Number(m[1]), Number(m[2])]);
      else reject(new Error(`cannot read image size of ${path}`));
    });
  });
}
