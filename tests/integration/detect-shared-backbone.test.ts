/**
 * The default pipeline runs YOLOX-Nano, the hard-hat head and the fire/smoke head on one backbone pass
 * (the hard-hat head apart, after it, only on frames where YOLOX-Nano found a person). It must find
 * exactly what the three models find when each runs alone, on a factory-clip frame and on a held-back
 * hard-hat photo; on a photo with nobody in it the hard-hat head and the vest crops must not run while
 * fire/smoke still does; and it must refuse a head whose backbone weights are not YOLOX-Nano's.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageRgb } from '../../src/vision/detect/image-file.ts';
import { findModel, loadManifest, readVerifiedModel } from '../../src/vision/detect/manifest.ts';
import { mergeHeads } from '../../src/vision/detect/onnx/merge-heads.ts';
import { decodeModel } from '../../src/vision/detect/onnx/onnx-model.ts';
import { DetectionPipeline } from '../../src/vision/detect/pipeline.ts';
import { SharedBackboneDetector } from '../../src/vision/detect/plugins/shared-backbone.ts';
import type { Detection, RgbImage } from '../../src/vision/detect/types.ts';
import { clipFrameRgb } from '../helpers/clip-frame.ts';

const ROOT = join(import.meta.dirname, '../..');
const CLIP = join(ROOT, '../shared/clips/press-shop-cctv.mp4');
const PHOTO = join(ROOT, '../shared/datasets/hard-hat-workers/images/test/hard_hat_workers244.jpg');
// a CCTV frame of a fire with nobody in view (training split of fire-smoke-cctv: no test split is read)
const NOBODY = join(
  ROOT,
  '../shared/datasets/fire-smoke-cctv/train/images/fire2_mp4-30_jpg.rf.9cdc1ddb2168f71ca95b435bf5f87732.jpg',
);
const have = [CLIP, PHOTO, NOBODY, join(ROOT, '../shared/models/yolox-nano-coco')].every(existsSync);
if (!have) console.warn('detect-shared-backbone: SKIPPED — needs ../shared (clip, dataset, models)');

const MODELS = ['yolox-nano-coco', 'ppe-hardhat', 'fire-smoke'];
// low thresholds so that many boxes of every label are compared, not just the confident few
const overrides = {
  'ppe-hardhat': { score: 0.1 },
  'fire-smoke': { score: 0.1 },
  'yolox-nano-coco': { score: 0.1 },
};
const key = (d: Detection) => `${d.label} ${d.box.map((v) => v.toFixed(1)).join(',')}`;

describe.skipIf(!have)('shared backbone: one pass, the same detections', () => {
  let merged: DetectionPipeline;
  let separate: DetectionPipeline;
  let frame: RgbImage;

  beforeAll(async () => {
    const opts = { models: MODELS, modelsDir: '../shared/models', threads: 1, overrides };
    merged = await DetectionPipeline.create(opts);
    separate = await DetectionPipeline.create({ ...opts, shareBackbone: false });
    frame = clipFrameRgb(CLIP, 30);
  }, 60_000);
  afterAll(async () => {
    await merged?.close();
    await separate?.close();
  });

  it('runs the hard-hat head only on frames with a person; fire/smoke and the rest on every frame', async () => {
    const everyFrame = await DetectionPipeline.create({
      models: MODELS,
      modelsDir: '../shared/models',
      threads: 1,
      overrides,
      gateHeads: false,
    });
    try {
      const nobody = await readImageRgb(NOBODY);
      const before = merged.counts();
      const found = await merged.detect(nobody);
      const after = merged.counts();
      expect(found.some((d) => d.label === 'person')).toBe(false);
      expect(found.some((d) => d.label === 'fire')).toBe(true); // fire/smoke always runs
      expect(after['ppe-hardhat.runs']).toBe(before['ppe-hardhat.runs']);
      expect(after['ppe-hardhat.skipped']).toBe(before['ppe-hardhat.skipped']! + 1);
      // the same frame with the head merged (every frame): only helmet/head boxes differ
      const all = await everyFrame.detect(nobody);
      const notHead = (ds: Detection[]) => ds.filter((d) => d.label !== 'helmet' && d.label !== 'head');
      expect(notHead(found).map(key).sort()).toEqual(notHead(all).map(key).sort());
      expect(found.filter((d) => d.label === 'helmet' || d.label === 'head')).toEqual([]);
      // a frame with people: the head runs and finds what the merged head finds
      const withPeople = await merged.detect(frame);
      expect(merged.counts()['ppe-hardhat.runs']).toBe(after['ppe-hardhat.runs']! + 1);
      const heads = withPeople.filter((d) => d.label === 'helmet' || d.label === 'head');
      expect(heads.length).toBeGreaterThan(0);
      const ref = await everyFrame.detect(frame);
      expect(withPeople.map(key).sort()).toEqual(ref.map(key).sort());
      const score = new Map(ref.map((d) => [key(d), d.score]));
      for (const d of withPeople) expect(Math.abs(d.score - score.get(key(d))!)).toBeLessThan(1e-4);
    } finally {
      await everyFrame.close();
    }
  });

  it('runs no vest crop on a frame with nobody in view (the default pipeline)', async () => {
    const full = await DetectionPipeline.create({ modelsDir: '../shared/models', threads: 1 });
    try {
      const nobody = await readImageRgb(NOBODY);
      await full.detect(nobody, { key: 'cam', ts: 0 });
      expect(full.counts()).toMatchObject({
        'ppe-vest.runs': 0,
        'ppe-vest.reused': 0,
        'ppe-hardhat.runs': 0,
      });
      await full.detect(frame, { key: 'cam', ts: 10_000 });
      expect(full.counts()['ppe-vest.runs']).toBeGreaterThan(0);
      expect(full.counts()['ppe-hardhat.runs']).toBe(1);
    } finally {
      await full.close();
    }
  }, 30_000);

  it('groups the three models into one detector; without sharing there are three', () => {
    expect(merged.stage1).toHaveLength(1);
    expect(merged.stage1[0]).toBeInstanceOf(SharedBackboneDetector);
    expect(merged.names).toEqual(MODELS);
    expect(separate.stage1).toHaveLength(3);
  });

  it.each([
    ['a factory-clip frame (640×360)', () => Promise.resolve(frame)],
    ['a hard-hat-workers test photo', () => readImageRgb(PHOTO)],
  ])('on %s every box and score matches the models run alone', async (_, load) => {
    const image = await load();
    const a = await merged.detect(image);
    const b = await separate.detect(image);
    expect(a.length).toBeGreaterThan(0);
    expect(new Set(a.map((d) => d.label)).size).toBeGreaterThan(1);
    expect(a.map(key).sort()).toEqual(b.map(key).sort());
    const score = new Map(b.map((d) => [key(d), d.score]));
    for (const d of a) expect(Math.abs(d.score - score.get(key(d))!)).toBeLessThan(1e-4);
  });

  it('gives every caller its own answer when detect() calls overlap (input buffers are reused)', async () => {
    const other = clipFrameRgb(CLIP, 12); // same size as `frame`: the same input buffer
    const photo = await readImageRgb(PHOTO);
    const alone = [await merged.detect(frame), await merged.detect(other), await separate.detect(photo)];
    const overlapping = await Promise.all([
      merged.detect(frame),
      merged.detect(other),
      separate.detect(photo),
      separate.detect(frame),
    ]);
    expect(alone[0]!.map(key).sort()).not.toEqual(alone[1]!.map(key).sort());
    expect(overlapping[0]!.map(key).sort()).toEqual(alone[0]!.map(key).sort());
    expect(overlapping[1]!.map(key).sort()).toEqual(alone[1]!.map(key).sort());
    expect(overlapping[2]!.map(key).sort()).toEqual(alone[2]!.map(key).sort());
    expect(overlapping[3]!.map(key).sort()).toEqual(alone[0]!.map(key).sort());
  });

  it('refuses a head whose backbone weights were changed (coded error, nothing merged)', () => {
    const manifest = loadManifest();
    const read = (n: string) => decodeModel(readVerifiedModel(findModel(manifest, n), '../shared/models'));
    const base = read('yolox-nano-coco');
    const head = read('ppe-hardhat');
    const conv = head.graph.initializer.find((t) => base.graph.initializer.some((b) => b.name === t.name))!;
    conv.rawData = Uint8Array.from(conv.rawData, (v, i) => (i === 0 ? v ^ 1 : v));
    expect(() => mergeHeads(base, [{ name: 'ppe-hardhat', model: head, output: 'output' }])).toThrow(
      expect.objectContaining({ code: 'JH_ERR_DETECT_BACKBONE_MISMATCH' }),
    );
  });
});
