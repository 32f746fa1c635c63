/**
 * The `peak` option of a head's extra features (training/head/export.ts; the arc head uses it): per
 * cell of every level, the fraction of pixels clipped white (every channel ≥ 245, ramping from 244)
 * and the brightest channel value ÷ 255 — computed here pixel by pixel and compared with the graph's
 * nodes, which training and the exported head share.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/vision/detect/onnx/onnx-model.ts';
import {
  COLOUR_CHANNELS,
  colourDim,
  colourTensor,
  PEAK_CHANNELS,
  type ColourSpec,
} from '../../training/head/export.ts';
import { featureGraph } from '../../training/head/train-yolox-head.ts';
import { makeRng } from '../../training/head/rng.ts';
import { INPUT_SIZE, STRIDES } from '../../training/onnx/yolox-features.ts';

const SPEC: ColourSpec = { context: [1], above: [], peak: true };

describe('head features: clipped-white fraction and peak per cell', () => {
  it('counts 2 channels after the colour channels', () => {
    expect(colourDim(SPEC)).toBe(COLOUR_CHANNELS + PEAK_CHANNELS);
  });

  it('match a pixel-by-pixel computation on every level', async () => {
    const session = await ort.InferenceSession.create(encodeModel(featureGraph(SPEC)), {
      intraOpNumThreads: 1,
    });
    const rng = makeRng(5);
    const size = INPUT_SIZE;
    const n = size * size;
    // a dark random scene with clipped white blobs (and one pixel clipped in two channels only)
    const image = Float32Array.from({ length: 3 * n }, () => Math.floor(rng() * 200));
    const set = (x: number, y: number, b: number, g: number, r: number) => {
      image[y * size + x] = b;
      image[n + y * size + x] = g;
      image[2 * n + y * size + x] = r;
    };
    for (let k = 0; k < 12; k++) {
      const cx = Math.floor(rng() * (size - 20)) + 10;
      const cy = Math.floor(rng() * (size - 20)) + 10;
      for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) set(cx + dx, cy + dy, 255, 255, 250);
    }
    set(5, 5, 255, 255, 120);
    set(6, 5, 244.5, 250, 250);
    const res = await session.run({ images: new ort.Tensor('float32', image, [1, 3, size, size]) });
    await session.release();
    let clippedCells = 0;
    STRIDES.forEach((s, l) => {
      const grid = size / s;
      const plane = grid * grid;
      const extra = res[colourTensor(l)]?.data as Float32Array;
      for (let gy = 0; gy < grid; gy++)
        for (let gx = 0; gx < grid; gx++) {
          let frac = 0;
          let peak = 0;
          for (let y = gy * s; y < (gy + 1) * s; y++)
            for (let x = gx * s; x < (gx + 1) * s; x++) {
              const v = [0, 1, 2].map((c) => image[c * n + y * size + x] as number);
              frac += Math.min(1, Math.max(0, Math.min(...v) - 244));
              peak = Math.max(peak, ...v);
            }
          frac /= s * s;
          const i = gy * grid + gx;
          expect(extra[COLOUR_CHANNELS * plane + i]).toBeCloseTo(frac, 5);
          expect(extra[(COLOUR_CHANNELS + 1) * plane + i]).toBeCloseTo(peak / 255, 5);
          if (l === 0 && frac > 0) clippedCells++;
        }
    });
    expect(clippedCells).toBeGreaterThan(12);
  });
});
