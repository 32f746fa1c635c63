import type { InputLayout } from './manifest.ts';
import type { RgbImage } from './types.ts';
import { DetectErrors, MIN_IMAGE_SIDE } from './errors.ts';

/** Maps model-input coordinates back to source pixels: src = model / s + o. */
export interface Placement {
  sx: number;
  sy: number;
  ox: number;
  oy: number;
  /** size of the source region that was fed (boxes are clipped to it) */
  width: number;
  height: number;
}

/** A region of the source image in pixels, [x1, y1, x2, y2) (defaults to the whole image). */
export type Roi = readonly [number, number, number, number];

export function assertImage(image: RgbImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || data.length !== width * height * 3)
    throw DetectErrors.badFrame({ width, height, bytes: data.length });
  if (width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE)
    throw DetectErrors.imageTooSmall(
      { width, height, min: MIN_IMAGE_SIDE },
      `image is ${width}×${height}; detection needs at least ${MIN_IMAGE_SIDE}×${MIN_IMAGE_SIDE} pixels 图像太小`,
    );
}

/**
 * Resize + letterbox + layout in one pass of direct buffer maths (bilinear, OpenCV's half-pixel
 * convention, like cv2.resize INTER_LINEAR used upstream). One instance per model input: the output
 * tensor and the index tables are allocated once and reused, so the per-frame hot path allocates
 * nothing. Measured against sharp in bench/detect-preprocess.ts (see src/vision/detect/README.md).
 */
export class Preprocessor {
  readonly output: Float32Array;
  private readonly a = new Float32Array(3);
  private readonly b = new Float32Array(3);
  private readonly cStride: number;
  private readonly pStride: number;
  private xi0 = new Int32Array(0);
  private xi1 = new Int32Array(0);
  private xw = new Float32Array(0);

  /** `output` may be supplied (e.g. an onnxruntime tensor's buffer) so preprocessing writes in place. */
  constructor(
    readonly layout: InputLayout,
    output?: Float32Array,
  ) {
    const { width: W, height: H } = layout;
    if (output && output.length !== 3 * W * H) throw new Error('preprocess output buffer has the wrong size');
    this.output = output ?? new Float32Array(3 * W * H);
    for (let c = 0; c < 3; c++) {
      // value = (pixel * scale - mean) / std  =  a * pixel + b
      this.a[c] = layout.scale / layout.std[c]!;
      this.b[c] = -layout.mean[c]! / layout.std[c]!;
    }
    this.cStride = layout.layout === 'NCHW' ? W * H : 1;
    this.pStride = layout.layout === 'NCHW' ? 1 : 3;
    this.ensureTables(W);
  }

  private ensureTables(n: number): void {
    if (this.xi0.length >= n) return;
    this.xi0 = new Int32Array(n);
    this.xi1 = new Int32Array(n);
    this.xw = new Float32Array(n);
  }

  /** Fills `this.output` from `image` (or a region of it) and returns how to map boxes back. */
  run(image: RgbImage, roi?: Roi): Placement {
    const { width: W, height: H, resize } = this.layout;
    const src = image.data;
    const iw = image.width;
    const [rx1, ry1, rx2, ry2] = clampRoi(roi ?? [0, 0, image.width, image.height], image);
    const rw = rx2 - rx1;
    const rh = ry2 - ry1;
    let sx: number, sy: number, nw: number, nh: number;
    if (resize === 'letterbox-top-left') {
      const r = Math.min(W / rw, H / rh);
      sx = sy = r;
      nw = Math.min(W, Math.max(1, Math.floor(rw * r)));
      nh = Math.min(H, Math.max(1, Math.floor(rh * r)));
    } else {
      sx = W / rw;
      sy = H / rh;
      nw = W;
      nh = H;
    }
    // Column tables: source byte offsets of the two neighbours and the weight of the right one.
    const { xi0, xi1, xw } = this;
    const kx = rw / nw;
    for (let x = 0; x < nw; x++) {
      let fx = (x + 0.5) * kx - 0.5;
      if (fx < 0) fx = 0;
      let x0 = Math.floor(fx);
      if (x0 > rw - 1) x0 = rw - 1;
      const x1 = Math.min(x0 + 1, rw - 1);
      xw[x] = fx - x0;
      xi0[x] = (rx1 + x0) * 3;
      xi1[x] = (rx1 + x1) * 3;
    }
    const out = this.output;
    const { cStride, pStride, a, b } = this;
    // Plane (or interleave slot) each source channel R, G, B is written to.
    const [dr, dg, db] = this.layout.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
    const oR = dr * cStride;
    const oG = dg * cStride;
    const oB = db * cStride;
    const aR = a[dr]!,
      bR = b[dr]!,
      aG = a[dg]!,
      bG = b[dg]!,
      aB = a[db]!,
      bB = b[db]!;
    // YOLOX feeds raw 0..255 values: skip the affine step then (saves 3 multiply-adds per pixel)
    const identity = aR === 1 && aG === 1 && aB === 1 && bR === 0 && bG === 0 && bB === 0;
    const ky = rh / nh;
    const rowStride = iw * 3;
    // One pass over the output: each pixel reads its 4 neighbours once for all three channels and
    // interpolates as two horizontal lerps and one vertical (3 multiplies per channel).
    for (let y = 0; y < nh; y++) {
      let fy = (y + 0.5) * ky - 0.5;
      if (fy < 0) fy = 0;
      let y0 = Math.floor(fy);
      if (y0 > rh - 1) y0 = rh - 1;
      const y1 = Math.min(y0 + 1, rh - 1);
      const wy = fy - y0;
      const row0 = (ry1 + y0) * rowStride;
      const row1 = (ry1 + y1) * rowStride;
      let o = y * W * pStride;
      for (let x = 0; x < nw; x++, o += pStride) {
        const w = xw[x]!;
        const p00 = row0 + xi0[x]!;
        const p01 = row0 + xi1[x]!;
        const p10 = row1 + xi0[x]!;
        const p11 = row1 + xi1[x]!;
        let t = src[p00]!;
        let u = src[p10]!;
        t += (src[p01]! - t) * w;
        u += (src[p11]! - u) * w;
        const r = t + (u - t) * wy;
        t = src[p00 + 1]!;
        u = src[p10 + 1]!;
        t += (src[p01 + 1]! - t) * w;
        u += (src[p11 + 1]! - u) * w;
        const g = t + (u - t) * wy;
        t = src[p00 + 2]!;
        u = src[p10 + 2]!;
        t += (src[p01 + 2]! - t) * w;
        u += (src[p11 + 2]! - u) * w;
        const bl = t + (u - t) * wy;
        if (identity) {
          out[oR + o] = r;
          out[oG + o] = g;
          out[oB + o] = bl;
        } else {
          out[oR + o] = aR * r + bR;
          out[oG + o] = aG * g + bG;
          out[oB + o] = aB * bl + bB;
        }
      }
    }
    this.fillPad(nw, nh);
    return { sx, sy, ox: rx1, oy: ry1, width: rw, height: rh };
  }

  /** Pad value right of column nw and below row nh, in every channel. */
  private fillPad(nw: number, nh: number): void {
    const { width: W, height: H, pad } = this.layout;
    const { cStride, pStride, a, b, output: out } = this;
    for (let c = 0; c < 3; c++) {
      const v = a[c]! * pad + b[c]!;
      const base = c * cStride;
      if (pStride === 1) {
        for (let y = 0; y < nh; y++) out.fill(v, base + y * W + nw, base + (y + 1) * W);
        out.fill(v, base + nh * W, base + H * W);
        continue;
      }
      for (let y = 0; y < H; y++)
        for (let x = y < nh ? nw : 0; x < W; x++) out[base + (y * W + x) * pStride] = v;
    }
  }
}

function clampRoi(roi: Roi, image: RgbImage): [number, number, number, number] {
  const x1 = Math.max(0, Math.min(image.width - 1, Math.floor(roi[0])));
  const y1 = Math.max(0, Math.min(image.height - 1, Math.floor(roi[1])));
  const x2 = Math.max(x1 + 1, Math.min(image.width, Math.ceil(roi[2])));
  const y2 = Math.max(y1 + 1, Math.min(image.height, Math.ceil(roi[3])));
  return [x1, y1, x2, y2];
}
