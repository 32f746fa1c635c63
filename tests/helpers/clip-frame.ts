import { execFileSync } from 'node:child_process';
import { personCrop } from '../../src/vision/detect/plugins/ppe-vest.ts';
import type { Detection, RgbImage } from '../../src/vision/detect/types.ts';

/**
 * One frame of a video file at `atSeconds`, scaled to width×height, as packed RGB24 (ffmpeg).
 * `crop` ([w, h, x, y] in the clip's pixels) cuts a region first, e.g. a part of the scene with nobody in it.
 */
export function clipFrameRgb(
  file: string,
  atSeconds: number,
  width = 640,
  height = 360,
  crop?: readonly [number, number, number, number],
): RgbImage {
  const args = ['-v', 'error', '-ss', String(atSeconds), '-i', file, '-frames:v', '1'];
  const cut = crop ? `crop=${crop.join(':')},` : '';
  args.push('-vf', `${cut}scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-');
  return { width, height, data: execFileSync('ffmpeg', args, { maxBuffer: 4 << 20 }) };
}

/** `count` consecutive frames sampled at `fps` from `atSeconds`, scaled to width×height, RGB24. */
export function clipFramesRgb(
  file: string,
  atSeconds: number,
  count: number,
  fps: number,
  width = 640,
  height = 360,
): RgbImage[] {
  const args = ['-v', 'error', '-ss', String(atSeconds), '-i', file, '-frames:v', String(count)];
  args.push('-vf', `fps=${fps},scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-');
  const all = execFileSync('ffmpeg', args, { maxBuffer: count * width * height * 3 + (1 << 20) });
  const n = width * height * 3;
  return Array.from({ length: Math.floor(all.length / n) }, (_, i) => ({
    width,
    height,
    data: all.subarray(i * n, (i + 1) * n),
  }));
}

/**
 * The vest model's input crops of the people `detect` finds (score ≥ 0.3, as the runtime keeps them)
 * in the frames of `file` at `seconds`: real people for the vest batch test and bench:vest-batch.
 */
export async function personCropsAt(
  file: string,
  seconds: readonly number[],
  detect: (frame: RgbImage) => Promise<readonly Detection[]>,
): Promise<Float32Array[]> {
  const crops: Float32Array[] = [];
  for (const at of seconds) {
    const frame = clipFrameRgb(file, at);
    for (const d of await detect(frame))
      if (d.label === 'person' && d.score >= 0.3) {
        const c = await personCrop(frame, d.box);
        if (c) crops.push(c);
      }
  }
  return crops;
}
