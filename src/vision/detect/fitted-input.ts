import type { InputLayout } from './manifest.ts';
import { Preprocessor } from './preprocess.ts';

/** YOLOX's coarsest stride: a fitted input must be a multiple of it. */
const STRIDE_MAX = 32;

export interface FittedShape {
  pre: Preprocessor;
  input: Float32Array;
  /** NCHW dims of `input` */
  dims: number[];
}

/**
 * Input buffers for a fully convolutional model fed at the letterboxed content's size instead of its
 * full square (see onnx-dynamic-input.ts): a 640×360 frame into a 416×416 model is fed at 416×256,
 * same scale, no padding rows. One preprocessor + buffer per shape, kept (a handful: one per source
 * aspect), so the hot path allocates nothing.
 */
export class FittedInputs {
  private readonly shapes = new Map<string, FittedShape>();

  constructor(private readonly layout: InputLayout) {}

  /** The model's full declared input (no fitting). */
  full(): FittedShape {
    return this.sized(this.layout.width, this.layout.height);
  }

  /** The shape for a source region of rw×rh pixels (limiting side mapped to the model's side). */
  for(rw: number, rh: number): FittedShape {
    const { width: W, height: H } = this.layout;
    const r = Math.min(W / rw, H / rh);
    // Same scale as the square letterbox: the limiting side still maps to W (or H).
    const w = Math.min(W, Math.ceil(Math.floor(rw * r) / STRIDE_MAX) * STRIDE_MAX);
    const h = Math.min(H, Math.ceil(Math.floor(rh * r) / STRIDE_MAX) * STRIDE_MAX);
    return this.sized(w, h);
  }

  private sized(width: number, height: number): FittedShape {
    const key = `${width}x${height}`;
    let s = this.shapes.get(key);
    if (!s) {
      const input = new Float32Array(3 * width * height);
      s = {
        pre: new Preprocessor({ ...this.layout, width, height }, input),
        input,
        dims: [1, 3, height, width],
      };
      this.shapes.set(key, s);
    }
    return s;
  }
}
