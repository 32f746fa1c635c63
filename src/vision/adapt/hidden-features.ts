/**
 * The shipped hard-hat model run up to its last layer: per grid cell of each level, the 48 hidden values
 * the last layer reads (head-layer.ts). Computed once per photo or crop; training and judging the last
 * layer then need no further inference (raw-output.ts replays the last layer in TypeScript).
 */
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import type { RgbImage } from '../detect/types.ts';
import { hiddenGraph, hiddenTensor, LEVELS } from './head-layer.ts';

/** The hard-hat model's input side and level strides (models/manifest.json, ppe-hardhat). */
export const INPUT = 416;
export const STRIDES = [8, 16, 32] as const;

export interface HiddenLevel {
  stride: number;
  grid: number;
  /** [hidden][grid × grid] (NCHW planes) */
  data: Float32Array;
}

export interface HiddenMap {
  hidden: number;
  levels: HiddenLevel[];
  /** model pixels per source pixel (the image sits in the top-left corner, padded with 114) */
  scale: number;
  width: number;
  height: number;
}

/** Model pixels per source pixel when a whole frame of this size is letterboxed (as detection does). */
export const frameScale = (width: number, height: number): number => Math.min(INPUT / width, INPUT / height);

export class HiddenFeatures {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async create(modelBytes: Uint8Array, threads = 1): Promise<HiddenFeatures> {
    const session = await ort.InferenceSession.create(hiddenGraph(modelBytes), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
    return new HiddenFeatures(session);
  }

  /**
   * `scale`: model pixels per image pixel. A whole frame uses frameScale(); a crop uses the scale of the
   * frame it was cut from, so a head keeps the size (in model pixels) it had when it was detected.
   */
  async run(image: RgbImage, scale = frameScale(image.width, image.height)): Promise<HiddenMap> {
    const w = Math.max(1, Math.min(INPUT, Math.round(image.width * scale)));
    const h = Math.max(1, Math.min(INPUT, Math.round(image.height * scale)));
    const d = image.data;
    const resized = await sharp(Buffer.from(d.buffer, d.byteOffset, d.byteLength), {
      raw: { width: image.width, height: image.height, channels: 3 },
    })
      .resize(w, h, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
    const plane = INPUT * INPUT;
    const t = new Float32Array(3 * plane).fill(114);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const si = (y * w + x) * 3;
        const di = y * INPUT + x;
        t[di] = resized[si + 2] as number; // B
        t[plane + di] = resized[si + 1] as number; // G
        t[2 * plane + di] = resized[si] as number; // R
      }
    const res = await this.session.run({ images: new ort.Tensor('float32', t, [1, 3, INPUT, INPUT]) });
    const levels = Array.from({ length: LEVELS }, (_, l) => {
      const out = res[hiddenTensor(l)] as ort.Tensor;
      return { stride: STRIDES[l] as number, grid: out.dims[3] as number, data: out.data as Float32Array };
    });
    return {
      hidden: res[hiddenTensor(0)]!.dims[1] as number,
      levels,
      scale,
      width: image.width,
      height: image.height,
    };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** Decodes an image file (or JPEG bytes) to packed RGB24. */
export async function decodeRgb(input: string | Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(input)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}
