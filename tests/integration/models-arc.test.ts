/**
 * The committed `arc` model (welding arc / cutting sparks; models/arc.card.md): the file matches its
 * sha256, it merges onto YOLOX-Nano's backbone with the other heads of the default pipeline, it flags an
 * arc drawn at test time (training/arc/render-arc.ts, fixed parameters) on a held-back photo and stays
 * quiet on the same photo without it (at score 0.5, the rule's minScore; see below), and its
 * detections raise hot_work_unpermitted.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuleEngine } from '../../src/supervision/rules/engine.ts';
import type { RuleEvent } from '../../src/supervision/rules/types.ts';
import { readImageRgb } from '../../src/vision/detect/image-file.ts';
import { findModel, loadManifest, PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import { DetectionPipeline } from '../../src/vision/detect/pipeline.ts';
import { iou } from '../../src/vision/detect/plugins/ppe-postprocess.ts';
import { SharedBackboneDetector } from '../../src/vision/detect/plugins/shared-backbone.ts';
import type { Detection, RgbImage } from '../../src/vision/detect/types.ts';
import { drawArc, type ArcParams } from '../../training/arc/render-arc.ts';
import { makeRng } from '../../training/head/rng.ts';

const manifest = loadManifest();
// held back from the arc model's training and threshold choice (hard-hat-workers images/test)
const PHOTO = join(PROJECT_ROOT, '../shared/datasets/hard-hat-workers/images/test/hard_hat_workers102.jpg');
const have = [PHOTO, join(PROJECT_ROOT, '../shared/models/yolox-nano-coco')].every(existsSync);
if (!have) console.warn('models-arc: detection tests SKIPPED — needs ../shared (dataset, models)');

/** A stick-welding arc of middling size and brightness, with a spray of sparks. */
const arcAt = (cx: number, cy: number): ArcParams => ({
  cx,
  cy,
  coreRx: 6,
  coreRy: 4,
  angle: 0.3,
  bloom: 8,
  intensity: 2,
  tint: [0.6, 0.8, 1],
  exposure: 0.8,
  cast: 0.2,
  castRadius: 40,
  sparks: 25,
  sparkDir: Math.PI / 2,
  sparkSpread: 1.2,
  sparkLength: 40,
  blurLen: 0,
  blurAngle: 0,
  smear: false,
});

describe('arc model file', () => {
  it('matches the sha256 of the manifest and of its card, and is a head on the shared backbone', () => {
    const entry = findModel(manifest, 'arc');
    const bytes = readFileSync(join(PROJECT_ROOT, 'models', entry.file));
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect([sha, bytes.length]).toEqual([entry.sha256, entry.bytes]);
    expect(readFileSync(join(PROJECT_ROOT, 'models', 'arc.card.md'), 'utf8')).toContain(sha);
    expect(entry.options?.sharedBackbone).toBe('yolox-nano-coco');
    expect(Object.values(entry.classes)).toEqual(['arc']);
  });
});

describe.skipIf(!have)('arc model on a held-back photo', () => {
  let pipe: DetectionPipeline;
  let photo: RgbImage;
  let withArc: RgbImage;
  let drawn: [number, number, number, number];

  beforeAll(async () => {
    // at the hot-work rule's minScore (0.5), not the shipped 0.94: the shipped threshold flags only a few
    // per cent of synthetic arcs (models/arc.card.md); this checks that the model ranks a drawn arc far
    // above the same photo without it, and that its boxes reach the rule
    pipe = await DetectionPipeline.create({
      models: ['yolox-nano-coco', 'fire-smoke', 'arc'],
      modelsDir: '../shared/models',
      threads: 1,
      overrides: { arc: { score: 0.5 } },
    });
    photo = await readImageRgb(PHOTO);
    withArc = { ...photo, data: Buffer.from(photo.data) };
    drawn = drawArc(withArc, arcAt(photo.width * 0.3, photo.height * 0.7), makeRng(7));
  }, 60_000);
  afterAll(async () => {
    await pipe?.close();
  });

  it('merges with YOLOX-Nano and the fire/smoke head into one backbone pass', () => {
    expect(pipe.stage1).toHaveLength(1);
    expect(pipe.stage1[0]).toBeInstanceOf(SharedBackboneDetector);
    expect(pipe.names).toEqual(['yolox-nano-coco', 'fire-smoke', 'arc']);
    expect(pipe.labels).toContain('arc');
  });

  it('flags the drawn arc where it is, and nothing on the photo without it', async () => {
    const arcs = (await pipe.detect(withArc)).filter((d) => d.label === 'arc');
    expect(arcs.some((d) => iou(d.box, drawn) >= 0.3)).toBe(true);
    expect((await pipe.detect(photo)).filter((d) => d.label === 'arc')).toEqual([]);
  });

  it('its detections raise hot_work_unpermitted without a permit, and not with one', async () => {
    const dets = await pipe.detect(withArc);
    const run = (openFlameAllowed: boolean, frame: Detection[]): RuleEvent[] => {
      const engine = new RuleEngine('cam-arc', []);
      const events: RuleEvent[] = [];
      for (let i = 0; i < 10; i++)
        events.push(
          ...engine.process({
            cameraId: 'cam-arc',
            ts: 1_000_000 + i * 500,
            width: withArc.width,
            height: withArc.height,
            people: [],
            detections: frame,
            zones: [],
            permits: {
              guardianRequired: false,
              openFlameAllowed,
              kinds: openFlameAllowed ? ['hot_work'] : [],
            },
            labels: new Set(pipe.labels),
          }),
        );
      return events;
    };
    const raised = run(false, dets).filter((e) => e.violation.type === 'hot_work_unpermitted');
    expect(raised.map((e) => e.kind)).toEqual(['started']);
    expect(raised[0]!.violation.detail.arcScore).toBeGreaterThanOrEqual(0.5);
    expect(run(true, dets).filter((e) => e.violation.type === 'hot_work_unpermitted')).toEqual([]);
    expect(
      run(false, await pipe.detect(photo)).filter((e) => e.violation.type === 'hot_work_unpermitted'),
    ).toEqual([]);
  });
});
