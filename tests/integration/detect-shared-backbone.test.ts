/**
 * The default pipeline runs YOLOX-Nano, the hard-hat head and the fire/smoke head as one merged graph
 * (one backbone pass). It must find exactly what the three models find when each runs alone, on a
 * factory-clip frame and on a held-back hard-hat photo; and it must refuse a head whose backbone
 * weights are not YOLOX-Nano's.
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
const have = [CLIP, PHOTO, join(ROOT, '../shared/models/yolox-nano-coco')].every(existsSync);
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
