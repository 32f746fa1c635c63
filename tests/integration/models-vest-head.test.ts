/**
 * The opt-in `ppe-vest-head` (hi-vis vest as a head on YOLOX-Nano's shared backbone; models/ppe-vest-head.card.md):
 * the file matches its sha256 (manifest and card), it is not in the default pipeline, named with the default
 * models it merges into their one backbone graph (no second YOLOX pass), and through the pipeline it finds
 * the labelled vest of a held-back safety-vest-v4 test photo.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabelledFolder, type LabelledImage } from '../../src/cli/commands/eval-data.ts';
import { readImageRgb } from '../../src/vision/detect/image-file.ts';
import { findModel, loadManifest, PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import { DetectionPipeline, defaultModelNames } from '../../src/vision/detect/pipeline.ts';
import { iou } from '../../src/vision/detect/plugins/ppe-postprocess.ts';
import { classThresholds } from '../../src/vision/detect/plugins/ppe-yolox-head.ts';
import { SharedBackboneDetector } from '../../src/vision/detect/plugins/shared-backbone.ts';

const manifest = loadManifest();
const TEST_DIR = join(PROJECT_ROOT, '../shared/datasets/safety-vest-v4/test/images');
// a held-back test photo (never trained on, thresholds not chosen on it) with labelled vests
const PHOTO = '00588_jpg.rf.70a35a111eb03feec6ed635658a23db5.jpg';
const have = [join(TEST_DIR, PHOTO), join(PROJECT_ROOT, '../shared/models/yolox-nano-coco')].every(
  existsSync,
);
if (!have) console.warn('models-vest-head: pipeline tests SKIPPED — needs ../shared (dataset, models)');

describe('ppe-vest-head model file', () => {
  it('matches the sha256 of the manifest and of its card; a head on the shared backbone, opt-in', () => {
    const entry = findModel(manifest, 'ppe-vest-head');
    const bytes = readFileSync(join(PROJECT_ROOT, 'models', entry.file));
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect([sha, bytes.length]).toEqual([entry.sha256, entry.bytes]);
    expect(readFileSync(join(PROJECT_ROOT, 'models', 'ppe-vest-head.card.md'), 'utf8')).toContain(sha);
    expect(entry.options?.sharedBackbone).toBe('yolox-nano-coco');
    expect(Object.values(entry.classes)).toEqual(['vest', 'no_vest']);
    expect(defaultModelNames(manifest)).not.toContain('ppe-vest-head');
  });
});

describe.skipIf(!have)('ppe-vest-head in the pipeline', () => {
  let pipeline: DetectionPipeline;
  const models = [...defaultModelNames(manifest), 'ppe-vest-head'];

  beforeAll(async () => {
    pipeline = await DetectionPipeline.create({ models, modelsDir: '../shared/models', threads: 1 });
  }, 60_000);
  afterAll(async () => {
    await pipeline?.close();
  });

  it('enabled with the default models, it joins their one backbone graph', () => {
    // YOLOX-Nano and every head on its backbone in one detector; the crop classifier stays stage 2
    expect(pipeline.stage1).toHaveLength(1);
    expect(pipeline.stage1[0]).toBeInstanceOf(SharedBackboneDetector);
    expect([...pipeline.names].sort()).toEqual([...models].sort());
    expect(pipeline.stage2.map((d) => d.name)).toEqual(['ppe-vest']);
  });

  it('finds the labelled vest on a held-back safety-vest-v4 test photo at its own threshold', async () => {
    const photo = (
      await readLabelledFolder(TEST_DIR, 'yolo', async () => ({ width: 416, height: 416 }))
    ).find((i: LabelledImage) => i.file.endsWith(PHOTO))!;
    const vests = photo.gts.filter((g) => g.label === 'vest');
    expect(vests.length).toBeGreaterThan(0);
    const before = pipeline.counts()['ppe-vest-head.runs'] ?? 0;
    const found = await pipeline.detect(await readImageRgb(photo.file));
    expect(pipeline.counts()['ppe-vest-head.runs']).toBe(before + 1);
    const thr = classThresholds(findModel(manifest, 'ppe-vest-head'), ['vest'], {}).vest ?? 1;
    const hits = found.filter((d) => d.label === 'vest' && d.score >= thr);
    expect(vests.some((g) => hits.some((d) => iou(d.box, g.box) >= 0.5))).toBe(true);
  });
});
