/**
 * The vest classifier runs all the crops a frame needs in one model run, on a copy of the shipped graph
 * made to take a batch (onnx/batchable.ts). The shipped embedder standardises its input with a mean over
 * all four axes, batch included: a batch made by only freeing the batch dimension would answer each
 * person with the other people's pixels mixed in. These tests hold the batched answers to the shipped
 * model's, run crop by crop, on the factory clip's people.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatchable } from '../../src/vision/detect/onnx/batchable.ts';
import { decodeModel, encodeModel } from '../../src/vision/detect/onnx/onnx-model.ts';
import { DetectionPipeline } from '../../src/vision/detect/pipeline.ts';
import { cropBatch, type VestClassifier } from '../../src/vision/detect/plugins/ppe-vest.ts';
import { personCropsAt } from '../helpers/clip-frame.ts';

const ROOT = join(import.meta.dirname, '../..');
const CLIP = join(ROOT, '../shared/clips/press-shop-cctv.mp4');
const MODEL = join(ROOT, 'models/ppe-vest.onnx');
const have = existsSync(CLIP) && existsSync(join(ROOT, '../shared/models/yolox-nano-coco'));
if (!have) console.warn('detect-vest-batch: SKIPPED — needs ../shared (clip, models)');

const feed = (crops: Float32Array[]) => ({ 'inputs:0': cropBatch(crops) });

describe.skipIf(!have)('vest crops in one run', () => {
  let pipe: DetectionPipeline;
  let vest: VestClassifier;
  let shipped: ort.InferenceSession;
  let crops: Float32Array[];
  let oneByOne: number[];

  beforeAll(async () => {
    pipe = await DetectionPipeline.create({
      models: ['yolox-nano-coco', 'ppe-vest'],
      modelsDir: '../shared/models',
      threads: 1,
    });
    vest = pipe.stage2[0] as VestClassifier;
    shipped = await ort.InferenceSession.create(MODEL, { intraOpNumThreads: 1 });
    crops = await personCropsAt(CLIP, [10, 30], (f) => pipe.detect(f));
    oneByOne = [];
    for (const c of crops) oneByOne.push(((await shipped.run(feed([c]))).p_vest!.data as Float32Array)[0]!);
  }, 60_000);
  afterAll(async () => {
    await pipe?.close();
    await shipped?.release();
  });

  it('answers every person of a batch as the shipped model answers that person alone', async () => {
    expect(crops.length).toBeGreaterThan(4);
    expect(vest.batches).toBe(true);
    const together = await vest.probabilities(crops);
    expect(together).toHaveLength(crops.length);
    together.forEach((p, i) => expect(Math.abs(p - oneByOne[i]!)).toBeLessThan(1e-4));
    // the people differ, so a batch that mixed them would show
    expect(Math.max(...oneByOne) - Math.min(...oneByOne)).toBeGreaterThan(0.05);
  });

  it('a batch dimension freed without making the standardisation per crop mixes the people', async () => {
    const model = decodeModel(readFileSync(MODEL));
    const overBatch = model.graph.node.filter(
      (n) => n.opType === 'ReduceMean' && n.attribute.some((a) => a.name === 'axes' && a.ints?.includes(0)),
    );
    expect(overBatch.length).toBeGreaterThan(0);
    makeBatchable(model);
    for (const n of overBatch) for (const a of n.attribute) if (a.name === 'axes') a.ints = [0, 1, 2, 3];
    const naive = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1 });
    const mixed = Array.from((await naive.run(feed(crops))).p_vest!.data as Float32Array);
    await naive.release();
    expect(Math.max(...mixed.map((p, i) => Math.abs(p - oneByOne[i]!)))).toBeGreaterThan(1e-3);
  });
});
