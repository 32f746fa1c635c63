import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import type { Detection } from '../../src/vision/detect/types.ts';
import { SHOTS, launchChromium, openPage, signIn } from './browser.ts';
import { startE2EService, type E2EService } from './harness.ts';

// The wall's card for a violation whose every frame was black: it says there is no usable frame
// (and why) instead of "snapshot pending" forever, and shows no picture (#27).
let sim: Sim;
let svc: E2EService;
let browser: Browser;

const W = 640;
const H = 360;

beforeAll(async () => {
  sim = await startSim({ cameras: ['cam1'], port: 0 });
  svc = await startE2EService([{ id: 'cam1', name: '1号转炉平台 动火点', url: sim.url('cam1') }], {
    evidence: { clips: false },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
  await sim?.stop();
});

describe('安全员 wall, evidence that shows what happened', () => {
  it('a violation seen only on black frames says "no usable frame" and shows no black picture', async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await signIn(page, svc.url, 'safety-a', '/ui/wall.html');
    await expect.poll(() => page.locator('.tile').count()).toBe(1);

    // A bare head reported on black frames (a lens cap, a lost signal), a minute ago: the camera's
    // recent frames are all newer than a second around it, so only the black frames are candidates.
    const pipeline = svc.service.services.supervision.pipeline!;
    const person: Detection[] = [
      { label: 'person', score: 0.9, box: [300, 80, 380, 340] },
      { label: 'head', score: 0.8, box: [318, 80, 362, 124] },
    ];
    const t0 = Date.now() - 60_000;
    for (let i = 0; i < 10; i++)
      pipeline.process({
        cameraId: 'cam1',
        frameTs: t0 + i * 500,
        detections: person,
        frame: {
          cameraId: 'cam1',
          ts: t0 + i * 500,
          seq: i,
          width: W,
          height: H,
          data: Buffer.alloc(W * H * 3),
        },
      });
    await pipeline.idle();

    const card = page.locator('.vio[data-camera="cam1"]').first();
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => card.textContent(), { timeout: 20_000 }).toContain('无可用画面：检测时画面全黑');
    expect(await card.locator('.snap img').count()).toBe(0);
    expect(await card.textContent()).not.toContain('快照生成中');
    await page.screenshot({ path: `${SHOTS}/wall-no-usable-frame.png` });
    expect(errors).toEqual([]);
  });
});
