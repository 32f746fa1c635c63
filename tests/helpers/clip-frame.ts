import { execFileSync } from 'node:child_process';
import type { RgbImage } from '../../src/detect/types.ts';

/** One frame of a video file at `atSeconds`, scaled to width×height, as packed RGB24 (ffmpeg). */
export function clipFrameRgb(file: string, atSeconds: number, width = 640, height = 360): RgbImage {
  const args = ['-v', 'error', '-ss', String(atSeconds), '-i', file, '-frames:v', '1'];
  args.push('-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-');
  return { width, height, data: execFileSync('ffmpeg', args, { maxBuffer: 4 << 20 }) };
}
