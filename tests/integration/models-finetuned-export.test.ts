/**
 * The export of a fine-tuning run (training/gpu/finish-finetuned.ts): the trained copies of YOLOX-Nano's
 * last layers are wired in under `ft/` beside the untouched original, the head reads the copies, and
 * the graph is refused when it disagrees with the trainer's probe output. The PyTorch trainer itself
 * is not run here (CI has no PyTorch); its output format is built from YOLOX-Nano's own weights.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import { withDynamicSpatialInput } from '../../src/vision/detect/onnx-dynamic-input.ts';
import { decodeModel, readModel } from '../../src/vision/detect/onnx/onnx-model.ts';
import { exportHead } from '../../training/head/export.ts';
import { initMlp } from '../../training/head/mlp.ts';
import { makeRng } from '../../training/head/rng.ts';
import {
  buildFinetuned,
  copiedNodes,
  FINETUNED_COLOUR,
  mlpOf,
  probeDifference,
  probeInput,
  type FinetunedDoc,
} from '../../training/gpu/finish-finetuned.ts';
import { LEVEL_TENSORS, YOLOX_FILE } from '../../training/onnx/yolox-features.ts';

const CUTS = { head: ['956', '990', '1024'], pan: ['781', '841', '886'] };
const b64 = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const H = 256;
const W = 416;

async function run(bytes: Uint8Array): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(withDynamicSpatialInput(bytes), { intraOpNumThreads: 1 });
  const out = await s.run({ images: new ort.Tensor('float32', probeInput(H, W), [1, 3, H, W]) });
  await s.release();
  return Object.values(out)[0]?.data as Float32Array;
}

/**
 * A run's output whose "trained" copies hold YOLOX-Nano's own weights, with a random head: the hard-hat
 * layout (colour + the cells above and below, 264 inputs per cell) or the fire one (colour only, 136).
 */
function docWithOriginalWeights(cut: keyof typeof CUTS, task: 'hardhat' | 'fire' = 'hardhat'): FinetunedDoc {
  const yolox = readModel(join(PROJECT_ROOT, YOLOX_FILE));
  const copies = copiedNodes(yolox.graph, CUTS[cut], LEVEL_TENSORS.flat());
  const inits = new Map(yolox.graph.initializer.map((t) => [t.name, t]));
  const weights = copies.filter((n) => n.opType === 'Conv').flatMap((n) => n.input.slice(1));
  const mlp = initMlp(task === 'fire' ? 136 : 264, 16, 7, makeRng(5));
  return {
    name: `test-${cut}`,
    task,
    neighbours: task === 'hardhat',
    cut: CUTS[cut],
    cutName: cut,
    levelTensors: LEVEL_TENSORS.map(([c, r]) => [c, r] as [string, string]),
    copyNodes: copies.map((n) => n.output[0] as string),
    copies: Object.fromEntries(
      weights.map((w) => [
        w,
        { dims: inits.get(w)!.dims, data: Buffer.from(inits.get(w)!.rawData).toString('base64') },
      ]),
    ),
    mlp: {
      dim: mlp.dim,
      hidden: mlp.hidden,
      out: mlp.out,
      w1: b64(mlp.w1),
      b1: b64(mlp.b1),
      w2: b64(mlp.w2),
      b2: b64(mlp.b2),
      mean: b64(mlp.mean),
      std: b64(mlp.std),
    },
    probe: { height: H, width: W, rows: [], every: 37 },
    args: {},
    seconds: 0,
    device: 'test',
    torch: 'none',
  };
}

describe('fine-tuned model export (hard hat, fire/smoke)', () => {
  it('copies the PAN and head (cut pan) or the head alone (cut head), never the backbone', () => {
    const g = readModel(join(PROJECT_ROOT, YOLOX_FILE)).graph;
    const pan = copiedNodes(g, CUTS.pan, LEVEL_TENSORS.flat());
    const head = copiedNodes(g, CUTS.head, LEVEL_TENSORS.flat());
    expect([pan.length, head.length]).toEqual([181, 81]);
    expect(head.every((n) => pan.includes(n))).toBe(true);
    // the cut tensors come from the frozen graph: no copy produces one
    expect(pan.some((n) => n.output.some((o) => CUTS.pan.includes(o) || o === 'images'))).toBe(false);
  });

  it.each([
    ['pan', 'hardhat'],
    ['head', 'hardhat'],
    ['pan', 'fire'],
  ] as const)(
    "with the original weights in the copies (cut %s, %s layout), gives exactly the frozen-backbone head's output",
    async (cut, task) => {
      const doc = docWithOriginalWeights(cut, task);
      const built = buildFinetuned(doc);
      const plain = exportHead(
        mlpOf(doc),
        { name: 'plain' },
        join(PROJECT_ROOT, YOLOX_FILE),
        task === 'fire' ? { context: [1], above: [1] } : FINETUNED_COLOUR,
      );
      const [a, b] = [await run(built), await run(plain)];
      expect(a.length).toBe(b.length);
      let worst = 0;
      for (let i = 0; i < a.length; i++)
        worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
      expect(worst).toBeLessThan(1e-4);
      // and the copies are really in the graph, beside the untouched original nodes
      const g = decodeModel(built).graph;
      expect(g.node.filter((n) => n.name.startsWith('ft/')).length).toBe(doc.copyNodes.length);
      expect(g.node.some((n) => n.output.includes(LEVEL_TENSORS[0]![0]))).toBe(false);
    },
  );

  it('measures the difference to the trainer on the probe, so a wrong graph is refused', async () => {
    const doc = docWithOriginalWeights('head');
    const out = await run(buildFinetuned(doc));
    const rows = Array.from({ length: 10 }, (_, i) => Array.from(out.subarray(i * 37 * 7, i * 37 * 7 + 7)));
    expect(
      await probeDifference(buildFinetuned(doc), { ...doc, probe: { ...doc.probe, rows } }),
    ).toBeLessThan(1e-6);
    rows[3]![5] = (rows[3]![5] as number) + 0.25;
    expect(await probeDifference(buildFinetuned(doc), { ...doc, probe: { ...doc.probe, rows } })).toBeCloseTo(
      0.25,
      4,
    );
  });

  it('refuses a run whose copied nodes differ from the export rule', () => {
    const doc = docWithOriginalWeights('head');
    expect(() => buildFinetuned({ ...doc, copyNodes: doc.copyNodes.slice(1) })).toThrow(/copied 80 nodes/);
  });

  it.each(['ppe-hardhat', 'fire-smoke'])(
    "the shipped %s holds the PAN-and-head copies and leaves YOLOX-Nano's nodes as they are",
    (name) => {
      const shipped = readModel(join(PROJECT_ROOT, 'models', `${name}.onnx`)).graph;
      const yolox = readModel(join(PROJECT_ROOT, YOLOX_FILE)).graph;
      const copies = shipped.node.filter((n) => n.name.startsWith('ft/'));
      expect(copies.length).toBe(copiedNodes(yolox, CUTS.pan, LEVEL_TENSORS.flat()).length);
      const original = new Map(
        yolox.initializer.map((t) => [t.name, Buffer.from(t.rawData).toString('hex')]),
      );
      for (const t of shipped.initializer)
        if (original.has(t.name)) expect(Buffer.from(t.rawData).toString('hex')).toBe(original.get(t.name));
      expect(readFileSync(join(PROJECT_ROOT, 'models', `${name}.card.md`), 'utf8')).toContain('cut `pan`');
    },
  );
});
