/**
 * The vest head is trained on torso-band cues computed in TypeScript (training/vest/cues.ts) but reads
 * them at runtime from ONNX nodes built by the same file: both must give the same numbers, or the
 * shipped head sees inputs it was never trained on.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel, floatOutput, type OnnxModel } from '../../src/vision/detect/onnx/onnx-model.ts';
import { makeRng } from '../../training/head/rng.ts';
import { addToneCues, cueCount, toneCues, VEST_CUES } from '../../training/vest/cues.ts';

const ROWS = 122;
const W = 128;

/** Random pixels with fluorescent yellow, orange and near-white patches, as whole numbers (as sharp gives). */
function band(seed: number): Float32Array {
  const rng = makeRng(seed);
  const px = Float32Array.from({ length: ROWS * W * 3 }, () => Math.floor(rng() * 256));
  const patch = (y0: number, bgr: number[]): void => {
    for (let y = y0; y < y0 + 20; y++)
      for (let x = 10; x < 90; x++) bgr.forEach((v, c) => (px[(y * W + x) * 3 + c] = v));
  };
  patch(5, [30, 230, 220]); // yellow
  patch(40, [20, 120, 250]); // orange
  patch(90, [235, 240, 238]); // retro-reflective grey-white
  return px;
}

describe('vest torso-band cues', () => {
  it('ONNX nodes give the same values as the TypeScript used in training', async () => {
    const model: OnnxModel = {
      irVersion: 7,
      opsetImport: [{ domain: '', version: 12 }],
      producerName: 'test',
      metadataProps: [],
      graph: {
        name: 'cues',
        node: [],
        initializer: [],
        input: [floatOutput('band', 4)],
        output: [],
        valueInfo: [],
      },
    };
    const out = addToneCues(model.graph, VEST_CUES, 'band');
    model.graph.output = [floatOutput(out, 2)];
    const session = await ort.InferenceSession.create(encodeModel(model));
    for (const seed of [1, 2]) {
      const px = band(seed);
      const js = toneCues(px, VEST_CUES, 0);
      const got = (await session.run({ band: new ort.Tensor('float32', px, [1, ROWS, W, 3]) }))[out]
        ?.data as Float32Array;
      expect(js).toHaveLength(cueCount(VEST_CUES));
      expect(got).toHaveLength(js.length);
      js.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
    }
    // the patches register: yellow and orange hue bins of the upper half, the bright-grey share of the lower
    const cues = toneCues(band(1), VEST_CUES, 0);
    expect(cues[2]).toBeGreaterThan(0.1); // upper half, hue 1.0 = yellow
    expect(cues[1]).toBeGreaterThan(0.1); // upper half, hue 0.5 = orange
    expect(cues[VEST_CUES.hueBins + 4 + VEST_CUES.hueBins]).toBeGreaterThan(0.1); // lower half, bright grey
    await session.release();
  });
});
