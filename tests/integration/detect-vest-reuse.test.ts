/**
 * The vest classifier (~8 ms per person crop) reuses, per camera, the answer made for a person whose
 * box barely moved less than 2 s ago (or, on a camera served slower than that, on its next 4 frames
 * up to 6 s): on a factory-clip frame the second pass classifies nobody again and gives the same
 * answers; an older answer, another camera or a call without a camera classify afresh.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetectionPipeline } from '../../src/vision/detect/pipeline.ts';
import type { VestClassifier } from '../../src/vision/detect/plugins/ppe-vest.ts';
import type { Detection, RgbImage } from '../../src/vision/detect/types.ts';
import { clipFrameRgb } from '../helpers/clip-frame.ts';

const ROOT = join(import.meta.dirname, '../..');
const CLIP = join(ROOT, '../shared/clips/press-shop-cctv.mp4');
const have = existsSync(CLIP) && existsSync(join(ROOT, '../shared/models/yolox-nano-coco'));
if (!have) console.warn('detect-vest-reuse: SKIPPED — needs ../shared (clip, models)');

const vests = (ds: Detection[]) =>
  ds
    .filter((d) => d.label === 'vest' || d.label === 'no_vest')
    .map((d) => `${d.label} ${d.score.toFixed(4)} ${d.box.map((v) => v.toFixed(1)).join(',')}`)
    .sort();

describe.skipIf(!have)('vest answers reused per camera', () => {
  let pipe: DetectionPipeline;
  let vest: VestClassifier;
  let frame: RgbImage;

  beforeAll(async () => {
    pipe = await DetectionPipeline.create({
      models: ['yolox-nano-coco', 'ppe-vest'],
      modelsDir: '../shared/models',
      threads: 1,
    });
    vest = pipe.stage2[0] as VestClassifier;
    frame = clipFrameRgb(CLIP, 30);
  }, 60_000);
  afterAll(() => pipe?.close());

  it('classifies each person once, then reuses the answers on the same camera within 2 s', async () => {
    const first = await pipe.detect(frame, { key: 'cam-1', ts: 10_000 });
    const people = first.filter((d) => d.label === 'person' && d.score >= 0.3).length;
    expect(people).toBeGreaterThan(1);
    expect(vest.runs).toBe(people);
    const again = await pipe.detect(frame, { key: 'cam-1', ts: 10_500 });
    expect(vest.runs).toBe(people);
    expect(vest.reused).toBe(people);
    expect(vests(again)).toEqual(vests(first));
  });

  it('on a camera served slowly, reuses an answer for its next 4 frames, never past 6 s', async () => {
    const before = vest.runs;
    // frames 1.9 s apart: past 2 s from the answer, but the answers of ts 10 000 have served once
    await pipe.detect(frame, { key: 'cam-1', ts: 12_400 });
    await pipe.detect(frame, { key: 'cam-1', ts: 14_300 });
    expect(vest.runs).toBe(before);
    await pipe.detect(frame, { key: 'cam-1', ts: 16_001 }); // > 6 s old: classified afresh
    expect(vest.runs - before).toBeGreaterThan(1);
  });

  it('classifies afresh once an answer is too old, on another camera, and without a camera', async () => {
    const before = vest.runs;
    await pipe.detect(frame, { key: 'cam-1', ts: 30_000 }); // the answers of ts 16 001 are > 6 s old
    const people = vest.runs - before;
    expect(people).toBeGreaterThan(1);
    await pipe.detect(frame, { key: 'cam-2', ts: 30_000 });
    expect(vest.runs - before).toBe(2 * people);
    await pipe.detect(frame);
    expect(vest.runs - before).toBe(3 * people);
  });
});
