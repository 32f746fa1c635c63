import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { join } from 'node:path';
import type { Sim } from '../../streams-sim/index.ts';
import type { RecordingTimeline } from '../../src/oversight/audit/recording-timeline.ts';
import { SHOTS, launchChromium, openPage, signIn } from './browser.ts';
import { api, outboxCount as countEvents, startRecordedPermit, type E2EService, until } from './harness.ts';

// A permit's recording played from the audit page in Debian's Chromium: the real service records the
// streams-sim camera through the fMP4 relay while the permit runs (with a camera drop in the middle),
// the regulator opens the permit's recording (MSE, H.264 as recorded), then clicks the gap.
let sim: Sim;
let svc: E2EService;
let browser: Browser;
let permit: { id: string; number: string };

const outboxCount = (type: string) => countEvents(svc, type);

beforeAll(async () => {
  ({ sim, svc, permit } = await startRecordedPermit(2));
  // the camera drops for 5 s: a gap in the recording, chained
  await sim.fault('rec', 'drop');
  await new Promise((r) => setTimeout(r, 5000));
  await sim.fault('rec', 'restore');
  await until(() => outboxCount('recording.gap') >= 1, 40_000, 'the gap');
  const afterGap = outboxCount('recording.segmentClosed');
  await until(
    () => outboxCount('recording.segmentClosed') >= afterGap + 2,
    40_000,
    'recording after the gap',
  );
  // the gate may have suspended the permit during the drop and resumed it: complete it either way
  await until(
    () => svc.service.services.work.permits.get(permit.id, null).state === 'active',
    30_000,
    'permit active again',
  );
  expect((await api(svc, 'guardian-a', 'POST', `/api/permits/${permit.id}/complete`)).json.state).toBe(
    'completed',
  );
  await until(
    () => svc.service.services.recording.service.recordingCameras().length === 0,
    15_000,
    'stopped',
  );
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await svc?.close();
  await sim?.stop();
});

describe('audit page: a permit recording', () => {
  it('plays the recording over MSE and seeks to the gap', async () => {
    const tl = (await api(svc, 'regulator-z', 'GET', `/api/recordings/permits/${permit.id}`))
      .json as unknown as RecordingTimeline;
    const gap = tl.gaps.find((g) => g.cause === 'upstream_down')!;
    expect(gap).toBeDefined();
    const t0 = Date.parse(tl.from);
    const afterGap = tl.segments.find((s) => Date.parse(s.startedAt) >= Date.parse(gap.to) - 1000)!;
    const { page, errors } = await openPage(browser);
    await signIn(page, svc.url, 'regulator-z', '/ui/regulator.html');
    await page.goto(`${svc.url}/ui/audit.html?enterprise=ent-a`);
    const button = page.locator(`tr[data-permit="${permit.id}"] .play-recording`);
    await button.waitFor({ timeout: 20_000 });
    await button.click();
    await page.waitForFunction(
      () => (document.querySelector('#recording-video') as HTMLVideoElement | null)?.dataset.startMs,
      null,
      {
        timeout: 20_000,
      },
    );
    const first = await page.evaluate(() => {
      const v = document.querySelector('#recording-video') as HTMLVideoElement;
      return { startMs: Number(v.dataset.startMs), width: v.videoWidth, t: v.currentTime };
    });
    expect(first.width).toBeGreaterThan(0); // a decoded picture: Chromium's MSE plays the H.264 as recorded
    console.log(`playback start (click → first picture): ${first.startMs} ms`);
    await page.screenshot({ path: join(SHOTS, 'audit-recording-playing.png') });

    await page.locator('#recording-timeline .rec-gap').first().click();
    await page.waitForFunction(
      (want) => {
        const v = document.querySelector('#recording-video') as HTMLVideoElement;
        return Math.abs(v.currentTime - want) < 1.5 && !v.paused && v.readyState >= 2;
      },
      (Date.parse(afterGap.startedAt) - t0) / 1000,
      { timeout: 20_000 },
    );
    await expect.poll(() => page.locator('#recording-notice').textContent()).toContain('录像中断');
    // it plays on after the gap: the playhead moves through the next segment's pictures
    const at = await page.evaluate(
      () => (document.querySelector('#recording-video') as HTMLVideoElement).currentTime,
    );
    await page.waitForFunction(
      (t) => (document.querySelector('#recording-video') as HTMLVideoElement).currentTime > t + 1,
      at,
      { timeout: 15_000 },
    );
    await page.screenshot({ path: join(SHOTS, 'audit-recording-gap.png') });
    expect(errors).toEqual([]);
  }, 90_000);
});
