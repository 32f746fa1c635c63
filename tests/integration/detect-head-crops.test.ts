/**
 * ppe-hardhat-crops (opt-in): the hard-hat graph run on the upper part of each person, on a frame of the
 * factory CCTV clip where the heads are too small for the whole-frame pass (real models, real ffmpeg).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findModel, loadManifest, PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import { DetectionPipeline } from '../../src/vision/detect/pipeline.ts';
import { headRegion, type RegionMap } from '../../src/vision/detect/plugins/ppe-head-crops.ts';
import type { Detection, RgbImage } from '../../src/vision/detect/types.ts';
import { clipFrameRgb } from '../helpers/clip-frame.ts';

const CLIP = join(PROJECT_ROOT, '../shared/clips/press-shop-cctv.mp4');
const have = existsSync(CLIP) && existsSync(join(PROJECT_ROOT, '../shared/models/yolox-nano-coco'));
const opts = { modelsDir: '../shared/models', threads: 1 };
const heads = (ds: Detection[]) => ds.filter((d) => d.label === 'helmet' || d.label === 'head');

describe.skipIf(!have)('ppe-hardhat-crops on the factory clip', () => {
  let whole: DetectionPipeline;
  let crops: DetectionPipeline;
  let frame: RgbImage;
  beforeAll(async () => {
    frame = clipFrameRgb(CLIP, 8);
    whole = await DetectionPipeline.create({ ...opts, models: ['yolox-nano-coco', 'ppe-hardhat'] });
    crops = await DetectionPipeline.create({
      ...opts,
      models: ['yolox-nano-coco', 'ppe-hardhat', 'ppe-hardhat-crops'],
    });
  }, 60_000);
  afterAll(async () => {
    await whole?.close();
    await crops?.close();
  });

  it('is not in the default pipeline', () => {
    expect(whole.names).not.toContain('ppe-hardhat-crops');
  });

  it('finds head states the whole-frame pass misses, each inside a person head region', async () => {
    const a = await whole.detect(frame);
    const b = await crops.detect(frame);
    expect(heads(b).length).toBeGreaterThan(heads(a).length);
    const region = findModel(loadManifest(), 'ppe-hardhat-crops').options?.region as RegionMap;
    const people = b.filter((d) => d.label === 'person' && d.score >= 0.3);
    for (const h of heads(b)) {
      const inside = people.some((p) => {
        const r = headRegion(p.box, region, frame.width, frame.height);
        return h.box[0] >= r[0] - 1 && h.box[1] >= r[1] - 1 && h.box[2] <= r[2] + 1 && h.box[3] <= r[3] + 1;
      });
      // a head the whole-frame pass found may lie anywhere; the crop pass only inside a region
      if (!heads(a).some((x) => x.box.every((v, i) => v === h.box[i]))) expect(inside).toBe(true);
    }
  });
});
