import { describe, expect, it } from 'vitest';
import type { InputLayout } from '../../src/vision/detect/manifest.ts';
import { assertImage, Preprocessor } from '../../src/vision/detect/preprocess.ts';

const yoloxLayout = (w: number, h: number): InputLayout => ({
  name: 'images',
  layout: 'NCHW',
  width: w,
  height: h,
  channels: 'BGR',
  scale: 1,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  resize: 'letterbox-top-left',
  pad: 114,
});

/** An image where every pixel is the same (r, g, b). */
function solid(width: number, height: number, rgb: [number, number, number]) {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, data };
}

describe('Preprocessor (letterbox, BGR, CHW)', () => {
  it('puts the image top-left, swaps RGB to BGR planes and pads with 114', () => {
    const pre = new Preprocessor(yoloxLayout(16, 16));
    const p = pre.run(solid(32, 16, [10, 20, 30])); // scale min(16/32, 16/16) = 0.5 → 16×8
    expect(p).toEqual({ sx: 0.5, sy: 0.5, ox: 0, oy: 0, width: 32, height: 16 });
    const plane = 16 * 16;
    const at = (c: number, x: number, y: number) => pre.output[c * plane + y * 16 + x];
    expect([at(0, 0, 0), at(1, 0, 0), at(2, 0, 0)]).toEqual([30, 20, 10]); // B, G, R
    expect([at(0, 15, 7), at(1, 15, 7), at(2, 15, 7)]).toEqual([30, 20, 10]);
    expect([at(0, 0, 8), at(1, 15, 15), at(2, 7, 12)]).toEqual([114, 114, 114]); // below the image
  });

  it('resizes bilinearly with the half-pixel convention (cv2 INTER_LINEAR)', () => {
    // the row [0, 100, 200, 250] stretched to 2 columns: x=0 samples src 0.5 → 50,
    // x=1 samples src 2.5 → 225 (between 200 and 250).
    const data = new Uint8Array([0, 0, 0, 100, 100, 100, 200, 200, 200, 250, 250, 250]);
    const layout = { ...yoloxLayout(2, 2), resize: 'stretch' as const };
    const pre = new Preprocessor(layout);
    const img = { width: 4, height: 2, data: new Uint8Array([...data, ...data]) };
    expect(() => assertImage(img)).toThrow(); // 4×2 is below the minimum size for detection...
    pre.run(img); // ...but the maths itself works at any size
    expect(pre.output[0]).toBeCloseTo(50, 5);
    expect(pre.output[1]).toBeCloseTo(225, 5);
  });

  it('reuses its output buffer frame after frame (no allocation on the hot path)', () => {
    const pre = new Preprocessor(yoloxLayout(16, 16));
    const buf = pre.output;
    pre.run(solid(20, 20, [1, 2, 3]));
    pre.run(solid(40, 30, [4, 5, 6]));
    expect(pre.output).toBe(buf);
    expect(pre.output[0]).toBe(6);
  });

  it('writes into a supplied buffer (an onnxruntime tensor) in place', () => {
    const tensor = new Float32Array(3 * 16 * 16);
    const pre = new Preprocessor(yoloxLayout(16, 16), tensor);
    pre.run(solid(16, 16, [7, 8, 9]));
    expect(tensor[0]).toBe(9);
    expect(() => new Preprocessor(yoloxLayout(16, 16), new Float32Array(5))).toThrow();
  });

  it('stretches a region into NHWC with mean and std', () => {
    const layout: InputLayout = {
      ...yoloxLayout(2, 2),
      layout: 'NHWC',
      channels: 'RGB',
      scale: 1 / 255,
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
      resize: 'stretch',
    };
    const img = solid(20, 20, [0, 255, 0]);
    for (let y = 10; y < 20; y++) for (let x = 10; x < 20; x++) img.data.set([255, 0, 0], (y * 20 + x) * 3);
    const pre = new Preprocessor(layout);
    const p = pre.run(img, [10, 10, 20, 20]);
    expect(p).toEqual({ sx: 0.2, sy: 0.2, ox: 10, oy: 10, width: 10, height: 10 });
    expect([...pre.output.subarray(0, 3)].map((v) => Math.round(v * 1000) / 1000)).toEqual([1, -1, -1]);
  });
});

describe('assertImage', () => {
  it('refuses a 1×1 image with a coded error', () => {
    expect(() => assertImage(solid(1, 1, [0, 0, 0]))).toThrow(
      expect.objectContaining({ code: 'JH_ERR_DETECT_IMAGE_TOO_SMALL' }),
    );
  });
  it('refuses a buffer whose length does not match width × height × 3', () => {
    expect(() => assertImage({ width: 20, height: 20, data: new Uint8Array(10) })).toThrow(
      expect.objectContaining({ code: 'JH_ERR_DETECT_BAD_FRAME' }),
    );
  });
});
