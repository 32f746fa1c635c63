import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import { SHOTS, launchChromium, openPage, signIn } from './browser.ts';
import { startE2EService, type E2EService } from './harness.ts';

// 企业管理员 adds a camera at run time from the admin screen (probed before saving: codec, size, GOP),
// the safety officer's wall, already open, shows it online within 10 s; the admin removes it and the
// wall drops it. No restart. Real Chromium, real service, real RTSP camera (streams-sim).
let sim: Sim;
let svc: E2EService;
let browser: Browser;

beforeAll(async () => {
  sim = await startSim({ cameras: ['cam1', 'cam2'], port: 0 });
  // cam1 is the config's; cam2 is served by the same box (its host:port vouches for the new URL)
  svc = await startE2EService([{ id: 'cam1', name: '1号转炉平台', url: sim.url('cam1') }], {
    evidence: { clips: false },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
  await sim?.stop();
});

describe('cameras managed at run time (admin screen)', () => {
  it('adds a camera, sees it online on the wall within 10 s, removes it', async () => {
    const wall = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    await signIn(wall.page, svc.url, 'safety-a', '/ui/wall.html');
    await wall.page.locator('#tile-cam1').waitFor();
    expect(await wall.page.locator('#tile-cam-new').count()).toBe(0);

    const admin = await openPage(browser, { viewport: { width: 390, height: 844 } });
    await signIn(admin.page, svc.url, 'admin-a', '/ui/permits.html');
    await admin.page.goto(`${svc.url}/ui/admin.html?tab=cameras`);
    const form = admin.page.locator('form.camera-form').first();
    await form.locator('input[name="id"]').fill('cam-new');
    await form.locator('input[name="name"]').fill('新增 卸料口');
    await form.locator('input[name="url"]').fill(sim.url('cam2'));
    await form.locator('select.transport').selectOption('auto');
    await form.locator('button[type="submit"]').click();
    // probed before saving, then saved: the table has its row
    const row = admin.page.locator('tr[data-camera="cam-new"]');
    await row.waitFor({ timeout: 20_000 });
    const saved = Date.now();
    // what the probe found before saving stays in view: codec, size, GOP, the transport that opened it
    await expect
      .poll(() => admin.page.locator('#admin-notice').textContent())
      .toMatch(/已保存 cam-new: ✓ h264 \d+×\d+ .*GOP (>\s*)?[\d.]+ s (TCP|UDP)/);
    await admin.page.screenshot({ path: `${SHOTS}/admin-camera-added-phone.png`, fullPage: true });

    // the wall, open all along, gets the tile and sees it online
    const badge = wall.page.locator('#tile-cam-new .badge.online');
    await badge.waitFor({ timeout: 10_000 });
    const onlineMs = Date.now() - saved;
    console.log(`camera added from the admin screen: online on the wall ${onlineMs} ms after saving`);
    expect(onlineMs).toBeLessThanOrEqual(10_000);
    await wall.page.screenshot({ path: `${SHOTS}/wall-camera-added.png` });

    // the admin's probe of the saved camera shows codec, size and GOP
    await row.locator('button.probe').click();
    await expect
      .poll(() => row.locator('.probe-result').textContent(), { timeout: 20_000 })
      .toMatch(/^✓ h264 \d+×\d+ .*GOP (>\s*)?[\d.]+ s/);

    admin.page.once('dialog', (d) => void d.accept());
    await row.locator('button.remove').click();
    await row.waitFor({ state: 'detached', timeout: 10_000 });
    await wall.page.locator('#tile-cam-new').waitFor({ state: 'detached', timeout: 10_000 });
    expect(wall.errors).toEqual([]);
    expect(admin.errors).toEqual([]);
  });
});
