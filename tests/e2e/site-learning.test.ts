import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detection, RgbImage } from '../../src/vision/detect/types.ts';
import { PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import { SHOTS, launchChromium, openPage, signIn } from './browser.ts';
import { startE2EService, type E2EService } from './harness.ts';

// 现场学习 (#28) end to end: the real detector finds bare heads on two photos, the rules raise no-hard-hat
// violations, the officer confirms some and dismisses the others on the wall, the admin's button retrains
// the hard-hat model's last layer (small settings: a few shipped photos), the detection workers run the
// adopted version, and rollback brings back the shipped model's exact output.
let svc: E2EService;
let browser: Browser;

const PHOTOS = ['hard_hat_workers271.jpg', 'hard_hat_workers414.jpg'].map((f) =>
  join(PROJECT_ROOT, '..', 'shared', 'datasets', 'hard-hat-workers', 'images', 'val', f),
);

async function rgbOf(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

const detect = (image: RgbImage): Promise<Detection[]> =>
  svc.service.services.vision.detect!.pool.detect(image).then((r) => r.detections);
/** The hard-hat boxes' scores, in a fixed order: what a model change shows in. */
const hardhatScores = (dets: readonly Detection[]): string[] =>
  dets
    .filter((d) => d.label === 'head' || d.label === 'helmet')
    .map((d) => `${d.label}:${d.score.toFixed(5)}`)
    .sort();

beforeAll(async () => {
  // cameras without a stream: the pipeline is fed the detector's output on the photos directly
  svc = await startE2EService(
    [
      { id: 'cam1', name: '1号 浇铸平台', url: 'rtsp://127.0.0.1:9/none' },
      { id: 'cam2', name: '2号 料场', url: 'rtsp://127.0.0.1:9/none' },
    ],
    {
      evidence: { clips: false },
      detect: { enabled: true, sessions: 1 },
      adapt: { minCrops: 8, holdBack: 0.25, shippedTrainPhotos: 8, shippedValPhotos: 8, margin: 0.2 },
    },
  );
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

describe('site learning of the hard-hat model', () => {
  it('learns from confirmed and dismissed violations, runs the new version, and rolls back', async () => {
    const images = await Promise.all(PHOTOS.map(rgbOf));
    const shipped = await detect(images[0]!);
    const pipeline = svc.service.services.supervision.pipeline;
    for (const [k, image] of images.entries()) {
      const cameraId = `cam${k + 1}`;
      const dets = await detect(image);
      const t0 = Date.now() - 10_000;
      for (let i = 0; i < 10; i++)
        pipeline.process({
          cameraId,
          frameTs: t0 + i * 500,
          detections: dets,
          frame: {
            cameraId,
            ts: t0 + i * 500,
            seq: i,
            width: image.width,
            height: image.height,
            data: Buffer.from(image.data),
          },
        });
    }
    await pipeline.idle();
    const adaptation = svc.service.services.siteLearning.adaptation;
    const t0 = Date.now();
    const phase = (what: string) =>
      console.log(`site-learning e2e: ${what} at ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    expect(adaptation.status().crops.pending).toBeGreaterThanOrEqual(8);

    // the officer reviews eight: every fourth confirmed (a bare head), the others dismissed (误报)
    const { page, errors } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await signIn(page, svc.url, 'safety-a', '/ui/wall.html');
    // the no-hard-hat cards (the photos also raise no-vest violations, which site learning leaves alone)
    const pending = page.locator('.vio[data-review="pending"]', { hasText: '未戴安全帽' });
    await expect.poll(() => pending.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(8);
    let reviewed = 0;
    while (reviewed < 8) {
      // by id: the list re-orders as the cards refresh, so a positional locator may move under the click
      const id = await pending.first().getAttribute('id');
      const card = page.locator(`#${id}`);
      const confirm = reviewed % 4 === 0;
      await card.getByRole('button', { name: confirm ? '确认违章' : '误报驳回' }).click();
      await expect
        .poll(() => page.locator(`#${id}`).getAttribute('data-review'))
        .toBe(confirm ? 'confirmed' : 'dismissed');
      reviewed++;
    }
    await page.screenshot({ path: `${SHOTS}/site-learning-wall.png` });
    phase('reviewed');
    const crops = adaptation.status().crops;
    expect(crops.confirmed + crops.dismissed).toBe(8);
    expect(crops.confirmed).toBeGreaterThan(0);
    expect(crops.dismissed).toBeGreaterThan(crops.confirmed);

    // the admin: 现场学习 → a new version, adopted, in use by the detection workers
    const admin = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await signIn(admin.page, svc.url, 'admin-a', '/ui/permits.html'); // the applicant's desk is its home
    await admin.page.goto(`${svc.url}/ui/admin.html`);
    await admin.page.locator('#adapt-run').click();
    await expect
      .poll(() => admin.page.locator('#adapt-in-use').textContent(), { timeout: 150_000, interval: 1000 })
      .toContain('v1');
    await admin.page.screenshot({ path: `${SHOTS}/site-learning-admin.png` });
    phase('adopted');
    const v1 = adaptation.status().versions[0]!;
    expect(v1.adopted).toBe(true);
    expect(v1.after.site).toBeGreaterThan(v1.before.site);
    expect(await admin.page.locator('#adapt-versions tr[data-version="1"]').textContent()).toContain(
      '使用中',
    );
    const adapted = await detect(images[0]!);
    expect(hardhatScores(adapted)).not.toEqual(hardhatScores(shipped));

    // rollback: the shipped model again, exactly
    await admin.page.locator('#adapt-rollback').click();
    await expect
      .poll(() => admin.page.locator('#adapt-in-use').textContent(), { timeout: 60_000 })
      .toContain('随版本发布的模型');
    expect(hardhatScores(await detect(images[0]!))).toEqual(hardhatScores(shipped));
    expect(adaptation.status().inUse).toBeNull();
    expect(errors).toEqual([]);
    expect(admin.errors).toEqual([]);
  }, 300_000);
});
