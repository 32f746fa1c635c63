import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { join } from 'node:path';
import type { Sim } from '../../streams-sim/index.ts';
import { SHOTS, launchChromium, openPage, signIn } from './browser.ts';
import { api, outboxCount, raiseNoHelmet, startRecordedPermit, type E2EService, until } from './harness.ts';

// The officer's wall replays what was recorded (#27): while a permit runs on the streams-sim camera
// (recorded through the fMP4 relay, 4 s segments), the safety officer opens the permit's recording
// from its line on the camera tile, then a violation's recording from its card, and both play in
// Debian's Chromium over MSE (recording-player.js, shared with the audit page).
let sim: Sim;
let svc: E2EService;
let browser: Browser;
let permit: { id: string; number: string };
const W = 640;
const H = 360;

beforeAll(async () => {
  ({ sim, svc, permit } = await startRecordedPermit(2));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await svc?.close();
  await sim?.stop();
});

/** Waits for the player's first decoded picture; returns where it stands. */
async function firstPicture(page: Page): Promise<{ startMs: number; width: number; t: number }> {
  await page.waitForFunction(
    () => (document.querySelector('#recording-video') as HTMLVideoElement | null)?.dataset.startMs,
    null,
    { timeout: 20_000 },
  );
  return page.evaluate(() => {
    const v = document.querySelector('#recording-video') as HTMLVideoElement;
    return { startMs: Number(v.dataset.startMs), width: v.videoWidth, t: v.currentTime };
  });
}

describe('the wall: a permit recording', () => {
  it('plays a permit recording from its line on the tile, then a violation recording from its card', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, svc.url, 'safety-a', '/ui/wall.html');
    const fromPermit = page.locator(`#tile-cam-rec .permit-line[data-permit="${permit.id}"] .play-recording`);
    await fromPermit.waitFor({ timeout: 20_000 });
    await fromPermit.click();
    const first = await firstPicture(page);
    expect(first.width).toBeGreaterThan(0); // a decoded picture of the recording
    console.log(`wall playback start (click → first picture): ${first.startMs} ms`);
    await expect.poll(() => page.locator('#wall-recording h3').textContent()).toContain(permit.number);
    await expect.poll(() => page.locator('#recording-timeline .rec-seg').count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(SHOTS, 'wall-recording-permit.png') });

    // A person without a hard hat on the recorded camera, through the real pipeline (a black frame:
    // the card says "no usable frame"; the recording is what shows the scene).
    const t0 = await raiseNoHelmet(svc, 'cam-rec', { data: Buffer.alloc(W * H * 3), width: W, height: H });
    const card = page.locator('.vio[data-camera="cam-rec"]').first();
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
    // the violation's seconds must be recorded before they can play: one more segment closes
    const closed = outboxCount(svc, 'recording.segmentClosed');
    await until(() => outboxCount(svc, 'recording.segmentClosed') > closed, 20_000, 'the violation recorded');
    await page.evaluate(
      () => delete (document.querySelector('#recording-video') as HTMLVideoElement).dataset.startMs,
    );
    await card.locator('.play-recording').click();
    const atViolation = await firstPicture(page);
    expect(atViolation.width).toBeGreaterThan(0);
    // the player stands ~3 s before the violation (its wall-clock offset on the permit's timeline)
    const tl = (await api(svc, 'safety-a', 'GET', `/api/recordings/permits/${permit.id}`)).json as {
      from: string;
    };
    const want = (t0 - 3000 - Date.parse(tl.from)) / 1000;
    expect(Math.abs(atViolation.t - want)).toBeLessThan(2);
    await expect
      .poll(() => page.locator('#recording-timeline .rec-violation').count())
      .toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: join(SHOTS, 'wall-recording-violation.png') });
    await page.locator('[data-action="close-recording"]').click();
    await expect.poll(() => page.locator('#wall-recording').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  }, 120_000);
});
