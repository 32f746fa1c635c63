/**
 * The half-resolution embedder (training/vest/reid-half.ts, a training knob measured in the vest card)
 * must still be a working re-id graph: same input, a 256-value embedding, the same answer for a crop
 * and for that crop already averaged 2×2 (proof the pooling happens first), and different from the
 * full-resolution embedding (proof the rewiring took effect).
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel, readModel } from '../../src/vision/detect/onnx/onnx-model.ts';
import { makeRng } from '../../training/head/rng.ts';
import { reidFile } from '../../training/vest/classifier.ts';
import { halveReid } from '../../training/vest/reid-half.ts';

/** the embedder the knob was measured with (ppe-vest card) */
const REID = reidFile('0288');
const H = 256;
const W = 128;

async function embed(session: ort.InferenceSession, crop: Float32Array): Promise<Float32Array> {
  const out = await session.run({ 'inputs:0': new ort.Tensor('float32', crop, [1, H, W, 3]) });
  return out['Identity:0']?.data as Float32Array;
}

describe('re-id embedder at half resolution', () => {
  it('embeds a 128×256 crop from its 2×2 means, unlike the full-resolution graph', async () => {
    const model = readModel(REID);
    halveReid(model);
    const half = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1 });
    const full = await ort.InferenceSession.create(REID, { intraOpNumThreads: 1 });
    const rng = makeRng(5);
    const crop = Float32Array.from({ length: H * W * 3 }, () => Math.floor(rng() * 256));
    // the same crop with every 2×2 block replaced by its mean: identical at half resolution only
    const blocky = new Float32Array(crop.length);
    for (let y = 0; y < H; y += 2)
      for (let x = 0; x < W; x += 2)
        for (let c = 0; c < 3; c++) {
          const at = (yy: number, xx: number) => (yy * W + xx) * 3 + c;
          const m =
            (crop[at(y, x)]! + crop[at(y, x + 1)]! + crop[at(y + 1, x)]! + crop[at(y + 1, x + 1)]!) / 4;
          for (const [yy, xx] of [
            [y, x],
            [y, x + 1],
            [y + 1, x],
            [y + 1, x + 1],
          ] as const)
            blocky[at(yy, xx)] = m;
        }
    const a = await embed(half, crop);
    const b = await embed(half, blocky);
    const f = await embed(full, crop);
    expect(a).toHaveLength(256);
    expect(a.every(Number.isFinite)).toBe(true);
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 3));
    const diff = Math.max(...Array.from(a, (v, i) => Math.abs(v - f[i]!)));
    expect(diff).toBeGreaterThan(1e-2);
  });
});
