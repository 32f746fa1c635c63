import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Value from 'typebox/value';
import { DetectConfigSchema, type DetectConfig } from '../../src/vision/detect/config.schema.ts';
import { DetectService } from '../../src/vision/detect/detect.service.ts';
import { loadManifest, readVerifiedModel } from '../../src/vision/detect/manifest.ts';
import type { DetectionResult } from '../../src/vision/detect/scheduler.ts';
import type { Frame } from '../../src/video/ingest/types.ts';
import { createMetrics } from '../../src/platform/observability/metrics.ts';
import { createLogger } from '../../src/platform/shared/logger.ts';

const ROOT = join(import.meta.dirname, '../..');
const CLIP = join(ROOT, '../shared/clips/press-shop-cctv.mp4');
const have = existsSync(CLIP) && existsSync(join(ROOT, '../shared/models/yolox-nano-coco'));
if (!have) console.warn(`detect-runtime: SKIPPED — needs ${CLIP} and ../shared/models`);

const config = (over: Partial<DetectConfig> = {}): DetectConfig => ({
  ...(Value.Default(DetectConfigSchema, {}) as DetectConfig),
  models: ['yolox-nano-coco'],
  sessions: 1,
  ...over,
});
const services = () => ({
  logger: createLogger('silent'),
  metrics: createMetrics(),
  health: new Map<string, () => { ok: boolean; detail?: string }>(),
});

describe.skipIf(!have)('detection runtime: worker pool + scheduler on real frames', () => {
  let rgb: Buffer;
  let svc: DetectService;
  const deps = services();
  const results: DetectionResult[] = [];
  let seq = 0;
  const frame = (cameraId: string, ts = Date.now()): Frame => ({
    cameraId,
    ts,
    seq: seq++,
    width: 640,
    height: 352,
    data: rgb,
  });
  const next = (n: number) =>
    new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (results.length >= n) {
          clearInterval(t);
          resolve();
        }
      }, 10);
    });

  beforeAll(async () => {
    rgb = execFileSync(
      'ffmpeg',
      ['-v', 'error', '-ss', '30', '-i', CLIP, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
      { maxBuffer: 4 << 20 },
    );
    svc = await DetectService.start(deps, config());
    svc.onResult((r) => results.push(r));
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it('infers a frame in a worker thread and returns people in source pixels', async () => {
    expect(deps.health.get('detect')!()).toMatchObject({ ok: true });
    svc.scheduler.offer(frame('cam-a'));
    await next(1);
    const r = results[0]!;
    expect(r.cameraId).toBe('cam-a');
    expect(r.detections.filter((d) => d.label === 'person').length).toBeGreaterThanOrEqual(4);
    expect(r.latencyMs).toBeGreaterThanOrEqual(r.inferMs - 1);
    // the worker thread's own CPU for the frame (Linux): real work, and never more than its wall time
    if (process.platform === 'linux') {
      expect(r.workerCpuMs).toBeGreaterThan(0.5);
      expect(r.workerCpuMs!).toBeLessThanOrEqual(r.inferMs + 1);
    }
    expect(svc.labels).toEqual(new Set(['person', 'phone']));
  });

  it('keeps one frame per camera: frames that are not due are counted as skipped, never queued', async () => {
    const before = { ...svc.scheduler.counts };
    for (let i = 0; i < 5; i++) svc.scheduler.offer(frame('cam-b'));
    // cam-b's first frame goes straight to the worker; the next four replace each other in the mailbox
    // (not due: idle rate until the first result shows people, then 2/s), so three are skipped and the
    // last one is inferred 500 ms after the first.
    expect(svc.scheduler.counts.skipped - before.skipped).toBe(3);
    await next(3);
    expect(results.filter((r) => r.cameraId === 'cam-b')).toHaveLength(2);
    expect(svc.scheduler.counts.inferred - before.inferred).toBe(2);
  });

  it('drops a frame older than the per-frame budget instead of inferring it late', async () => {
    const before = svc.scheduler.counts.stale;
    svc.scheduler.offer(frame('cam-c', Date.now() - 5_000));
    expect(svc.scheduler.counts.stale - before).toBe(1);
    const metrics = await deps.metrics.registry.metrics();
    expect(metrics).toMatch(/jianhu_detect_frames_total\{outcome="stale"\} [1-9]/);
    expect(metrics).toMatch(/jianhu_detect_frames_total\{outcome="inferred"\} [1-9]/);
    expect(metrics).toMatch(/jianhu_detect_frame_to_result_seconds_count [1-9]/);
    if (process.platform === 'linux') expect(metrics).toMatch(/jianhu_detect_worker_cpu_seconds_count [1-9]/);
  });
});

describe.skipIf(!have)('detection runtime start-up failures', () => {
  it('the committed manifest is valid and its sha256s match the shared model files', () => {
    const manifest = loadManifest();
    const external = manifest.models.filter((m) => m.location === 'external');
    expect(external.map((m) => m.name)).toContain('yolox-nano-coco');
    for (const m of external) expect(readVerifiedModel(m, '../shared/models').length).toBe(m.bytes);
  });

  it('reports a missing model through a coded error and /healthz', async () => {
    const deps = services();
    await expect(
      DetectService.start(deps, config({ modelsDir: '/nonexistent/models' })),
    ).rejects.toMatchObject({
      code: 'JH_ERR_DETECT_MODEL_MISSING',
    });
    expect(deps.health.get('detect')!()).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/download it from/),
    });
  });
});
