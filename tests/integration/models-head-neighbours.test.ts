/**
 * The `neighbours` option of a head's extra features (training/head/export.ts; the hard-hat head uses
 * ±1 row, the fire head none: their cards): each cell must receive YOLOX's 64 classification
 * values of the cell d rows above (d > 0) or below (d < 0), zero beyond the frame's edge, after the
 * colour channels — the same nodes in training and in an exported head.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/vision/detect/onnx/onnx-model.ts';
import {
  COLOUR_CHANNELS,
  colourDim,
  colourTensor,
  NEIGHBOUR_CHANNELS,
  type ColourSpec,
} from '../../training/head/export.ts';
import { featureGraph } from '../../training/head/train-yolox-head.ts';
import { makeRng } from '../../training/head/rng.ts';
import { INPUT_SIZE, LEVEL_TENSORS, STRIDES } from '../../training/onnx/yolox-features.ts';

const SPEC: ColourSpec = { context: [1], above: [1], neighbours: [1, -2] };

describe('head features: cells above and below', () => {
  it('counts 64 channels per neighbour after the colour channels', () => {
    expect(colourDim(SPEC)).toBe(COLOUR_CHANNELS * 2 + NEIGHBOUR_CHANNELS * 2);
    expect(colourDim({ context: [1], above: [1] })).toBe(8);
  });

  it('copies the classification features of the cell d rows above or below, zero past the edge', async () => {
    const session = await ort.InferenceSession.create(encodeModel(featureGraph(SPEC)), {
      intraOpNumThreads: 1,
    });
    const rng = makeRng(11);
    const n = INPUT_SIZE * INPUT_SIZE;
    const image = Float32Array.from({ length: 3 * n }, () => Math.floor(rng() * 256));
    const res = await session.run({
      images: new ort.Tensor('float32', image, [1, 3, INPUT_SIZE, INPUT_SIZE]),
    });
    await session.release();
    let nonZero = 0;
    STRIDES.forEach((s, l) => {
      const grid = INPUT_SIZE / s;
      const plane = grid * grid;
      const cls = res[(LEVEL_TENSORS[l] as readonly [string, string])[0]]?.data as Float32Array;
      const extra = res[colourTensor(l)]?.data as Float32Array;
      expect(extra.length).toBe(colourDim(SPEC) * plane);
      const first = COLOUR_CHANNELS * 2;
      SPEC.neighbours!.forEach((d, k) => {
        for (let c = 0; c < NEIGHBOUR_CHANNELS; c++)
          for (let y = 0; y < grid; y++)
            for (let x = 0; x < grid; x++) {
              const src = y - d;
              const want = src >= 0 && src < grid ? (cls[c * plane + src * grid + x] as number) : 0;
              const got = extra[(first + k * NEIGHBOUR_CHANNELS + c) * plane + y * grid + x] as number;
              expect(got).toBe(want);
              if (got !== 0) nonZero++;
            }
      });
    });
    expect(nonZero).toBeGreaterThan(1000);
  });
});
