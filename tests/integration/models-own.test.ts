/**
 * The committed project models (trained by training/, see models/*.card.md): each file matches the
 * sha256 in the manifest and in its model card, loads in onnxruntime, and gives sensible answers on
 * held-back dataset images with known labels. CI never retrains.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVoc, parseYolo, type GroundTruth } from '../../src/cli/commands/eval-data.ts';
import { readImageRgb } from '../../src/vision/detect/image-file.ts';
import { findModel, loadManifest, PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import { DetectionPipeline } from '../../src/vision/detect/pipeline.ts';
import { iou } from '../../src/vision/detect/plugins/ppe-postprocess.ts';
import { OwnYoloxHeadDetector } from '../../src/vision/detect/plugins/ppe-yolox-head.ts';
import type { Detection, Label } from '../../src/vision/detect/types.ts';

const MODELS = ['ppe-hardhat', 'fire-smoke', 'ppe-vest'];
const DATA = join(PROJECT_ROOT, '..', 'shared', 'datasets');
const ctx = { modelsDir: '../shared/models', threads: 1, settings: {} };
const manifest = loadManifest();

const found = (dets: Detection[], gts: GroundTruth[], label: Label): number =>
  gts.filter((g) => g.label === label && dets.some((d) => d.label === label && iou(d.box, g.box) >= 0.5))
    .length;

describe('committed project models', () => {
  it.each(MODELS)('%s: the file matches the sha256 of the manifest and of the model card', (name) => {
    const entry = findModel(manifest, name);
    const bytes = readFileSync(join(PROJECT_ROOT, 'models', entry.file));
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(sha).toBe(entry.sha256);
    const card = readFileSync(join(PROJECT_ROOT, 'models', `${name}.card.md`), 'utf8');
    expect(card).toContain(sha);
    expect(bytes.length).toBeLessThan(5_000_000);
  });
});

describe('manifest entries sharing a project file', () => {
  it("carry that file's sha256 and bytes (ppe-hardhat-crops runs ppe-hardhat.onnx)", () => {
    const project = manifest.models.filter((m) => m.location === 'project');
    expect(project.some((m) => m.name === 'ppe-hardhat-crops' && m.file === 'ppe-hardhat.onnx')).toBe(true);
    for (const m of project) {
      const bytes = readFileSync(join(PROJECT_ROOT, 'models', m.file));
      expect([m.name, createHash('sha256').update(bytes).digest('hex'), bytes.length]).toEqual([
        m.name,
        m.sha256,
        m.bytes,
      ]);
    }
  });
});

describe.skipIf(!existsSync(DATA))('project models on held-back dataset images', () => {
  it('ppe-hardhat, run as its plugin at the shipped thresholds, boxes most helmets and bare heads of the held-back photos', async () => {
    // every photo of hard-hat-workers images/test (never trained on, never used for a choice), not one
    // photo: a single borderline box (IoU 0.48 against 0.5) should not decide whether the model works
    const d = new OwnYoloxHeadDetector(findModel(manifest, 'ppe-hardhat'), ctx);
    await d.init();
    try {
      const dir = join(DATA, 'hard-hat-workers', 'images', 'test');
      const counts: Record<'helmet' | 'head', [number, number]> = { helmet: [0, 0], head: [0, 0] };
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.jpg'))) {
        const xml = join(DATA, 'hard-hat-workers', 'annotations', f.replace('.jpg', '.xml'));
        const gts = parseVoc(readFileSync(xml, 'utf8'));
        const image = await readImageRgb(join(dir, f));
        const dets = await d.detect(image);
        expect(
          dets.every((x) => (x.label === 'helmet' || x.label === 'head') && x.box[2] <= image.width),
        ).toBe(true);
        for (const l of ['helmet', 'head'] as const) {
          counts[l][0] += found(dets, gts, l);
          counts[l][1] += gts.filter((g) => g.label === l).length;
        }
      }
      // the model card states recall 0.750 (helmet) and 0.783 (head) on these photos at these thresholds
      // (the frozen-backbone model before it: 0.506 and 0.630)
      expect(counts.helmet[1]).toBeGreaterThan(100);
      expect(counts.helmet[0] / counts.helmet[1]).toBeGreaterThan(0.65);
      expect(counts.head[0] / counts.head[1]).toBeGreaterThan(0.65);
    } finally {
      await d.close();
    }
  });

  it('fire-smoke flags a held-back fire frame and stays quiet on a held-back frame without fire', async () => {
    const entry = findModel(manifest, 'fire-smoke');
    const d = new OwnYoloxHeadDetector(entry, ctx);
    await d.init();
    try {
      const fire = await d.detect(await readImageRgb(join(PROJECT_ROOT, FIRE_IMAGE)));
      expect(fire.some((x) => x.label === 'fire' || x.label === 'smoke')).toBe(true);
      const quiet = await d.detect(await readImageRgb(join(PROJECT_ROOT, NO_FIRE_IMAGE)));
      expect(quiet).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('ppe-vest (after the person detector) tells vests from no vests on a safety-vest-v4 test photo', async () => {
    const pipe = await DetectionPipeline.create({
      models: ['yolox-nano-coco', 'ppe-vest'],
      modelsDir: '../shared/models',
      threads: 1,
    });
    try {
      const file = join(DATA, 'safety-vest-v4', 'test', 'images', VEST_IMAGE);
      const image = await readImageRgb(file);
      const txt = readFileSync(
        join(DATA, 'safety-vest-v4', 'test', 'labels', VEST_IMAGE.replace(/\.jpg$/, '.txt')),
        'utf8',
      );
      const gts = parseYolo(
        txt,
        ['capacete', 'colete_refletivo', 'sem_capacete', 'sem_colete_refletivo'],
        image.width,
        image.height,
      );
      const dets = (await pipe.detect(image)).filter((x) => x.label === 'vest' || x.label === 'no_vest');
      expect(dets.length).toBeGreaterThan(0);
      // every vest decision sits on a labelled torso of the same class (or on no labelled torso at all)
      const wrong = dets.filter((x) =>
        gts.some(
          (g) =>
            g.label !== x.label && (g.label === 'vest' || g.label === 'no_vest') && iou(g.box, x.box) >= 0.5,
        ),
      );
      expect(wrong).toEqual([]);
      expect(found(dets, gts, 'vest')).toBeGreaterThanOrEqual(1);
      expect(found(dets, gts, 'no_vest')).toBeGreaterThanOrEqual(1);
    } finally {
      await pipe.close();
    }
  });
});

// Chosen from the held-back splits (never trained on); see models/*.card.md for the split rules.
// both from held-back clips (training/splits/fire-smoke-test.txt), although Roboflow filed them under train/
const FIRE_IMAGE =
  '../shared/datasets/fire-smoke-cctv/train/images/img_348_jpg.rf.dcd60df572915ee0e45a7f3fc26e9a27.jpg';
const NO_FIRE_IMAGE =
  '../shared/datasets/fire-smoke-cctv/train/images/img_100_jpg.rf.de5bed2f581da9bf66cbf0ea54877ed0.jpg';
const VEST_IMAGE = '00624_jpg.rf.ea900e16c414d43072ef4312bd58a318.jpg'; // 3 vests, 4 without
