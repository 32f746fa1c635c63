/**
 * The picture kept of a no-hard-hat detection for site learning: a square around the detected head, from
 * the detection's own frame before anything is drawn on it (the evidence snapshot carries burnt-in boxes
 * and text, which a model must not learn from). Large enough to hold the shoulders and the cells above
 * and below the head that the model reads (models/ppe-hardhat.card.md), small enough to keep for months.
 */
import sharp from 'sharp';
import type { Box, RgbImage } from '../detect/types.ts';
import { frameScale } from './hidden-features.ts';

export interface HeadCrop {
  jpeg: Buffer;
  width: number;
  height: number;
  /** the head's box in the crop's pixels */
  headBox: Box;
  /** model pixels per frame pixel of the frame it was cut from */
  modelScale: number;
}

/** Side of the crop: 5 head sizes, at least 96 model pixels, never more than the frame. */
export function cropWindow(
  width: number,
  height: number,
  head: Box,
  scale: number,
): [number, number, number, number] {
  const side0 = Math.max(5 * Math.max(head[2] - head[0], head[3] - head[1]), 96 / scale);
  const side = Math.round(Math.min(side0, width, height));
  const cx = (head[0] + head[2]) / 2;
  const cy = (head[1] + head[3]) / 2;
  const x = Math.round(Math.min(Math.max(cx - side / 2, 0), width - side));
  const y = Math.round(Math.min(Math.max(cy - side / 2, 0), height - side));
  return [x, y, side, side];
}

export async function cropAroundHead(frame: RgbImage, head: Box): Promise<HeadCrop> {
  const scale = frameScale(frame.width, frame.height);
  const [x, y, w, h] = cropWindow(frame.width, frame.height, head, scale);
  const d = frame.data;
  const jpeg = await sharp(Buffer.from(d.buffer, d.byteOffset, d.byteLength), {
    raw: { width: frame.width, height: frame.height, channels: 3 },
  })
    .extract({ left: x, top: y, width: w, height: h })
    .jpeg({ quality: 92 })
    .toBuffer();
  const clampX = (v: number) => Math.min(Math.max(v - x, 0), w);
  const clampY = (v: number) => Math.min(Math.max(v - y, 0), h);
  return {
    jpeg,
    width: w,
    height: h,
    headBox: [clampX(head[0]), clampY(head[1]), clampX(head[2]), clampY(head[3])],
    modelScale: scale,
  };
}
