import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import { SHOTS, launchChromium, openPage, signIn } from './browser.ts';
import { api, startE2EService, type E2EService } from './harness.ts';

// 企业管理员: test a camera's URL (real ffprobe against streams-sim), draw a zone on its picture and
// save it, register a welding machine and see its printable QR label.
let sim: Sim;
let svc: E2EService;
let browser: Browser;

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

describe('企业管理员 admin', () => {
  it('tests a camera URL, draws and saves a zone, registers a machine with its QR label', async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await signIn(page, svc.url, 'admin-a', '/ui/permits.html'); // the applicant's desk is its home
    await page.goto(`${svc.url}/ui/admin.html?tab=cameras`);

    const row = page.locator('tr[data-camera="cam1"]');
    await row.locator('button.probe').click();
    // the probe reads ~4 s of packets for the GOP, longer on a loaded machine
    await expect
      .poll(() => row.locator('.probe-result').textContent(), { timeout: 40_000 })
      .toMatch(/^✓ h264 \d+×\d+/);

    await row.locator('button.zones').click();
    const overlay = page.locator('#zone-overlay');
    await overlay.waitFor();
    await page.waitForTimeout(1500); // a live picture under the overlay
    for (const [x, y] of [
      [100, 60],
      [500, 60],
      [500, 300],
      [100, 300],
    ])
      await overlay.click({ position: { x: x!, y: y! } });
    await page.locator('#zone-finish').click();
    await page.locator('#zone-save').click();
    await expect.poll(() => page.locator('#admin-notice').textContent()).toContain('已保存');
    const zones = await api(svc, 'admin-a', 'GET', '/api/cameras/cam1/zones');
    const saved = zones.json.zones as { kind: string; points: number[][] }[];
    expect(saved.at(-1)!.kind).toBe('work_area');
    expect(saved.at(-1)!.points).toHaveLength(4);
    await page.screenshot({ path: `${SHOTS}/admin-zones.png` });

    await page.locator('button[data-tab="machines"]').click();
    const form = page.locator('form.filters');
    await form.locator('input').nth(0).fill('M7');
    await form.locator('input').nth(1).fill('7号焊机');
    await form.locator('input').nth(2).fill('35.4901');
    await form.locator('input').nth(3).fill('112.8512');
    await form.locator('button[type="submit"]').click();
    const img = page.locator('tr[data-machine="M7"] img');
    await img.waitFor();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(100);
    await page.screenshot({ path: `${SHOTS}/admin-machines.png` });

    // 加锁赋码: register a confined-space entrance lock on the camera.
    await page.locator('button[data-tab="locks"]').click();
    const lockForm = page.locator('form.filters');
    await lockForm.locator('input').nth(0).fill('L1');
    await lockForm.locator('input').nth(1).fill('2号钢包入口锁');
    await lockForm.locator('input').nth(2).fill('LK-0001');
    await lockForm.locator('button[type="submit"]').click();
    await expect.poll(() => page.locator('tr[data-lock="L1"]').count()).toBe(1);

    // 用户与角色: create a welder, then disable the account.
    await page.locator('button[data-tab="users"]').click();
    const userForm = page.locator('form.filters');
    await userForm.locator('input').nth(0).fill('welder-new');
    await userForm.locator('input').nth(1).fill('新来的焊工');
    await userForm.locator('input[type="password"]').fill('welder-pass-1');
    await userForm.locator('button[type="submit"]').click();
    const userRow = page.locator('tr[data-user="welder-new"]');
    await expect.poll(() => userRow.count()).toBe(1);
    await userRow.locator('button').click();
    await expect
      .poll(() => page.locator('tr[data-user="welder-new"] td').nth(3).textContent())
      .toBe('已停用');
    await page.screenshot({ path: `${SHOTS}/admin-users.png` });

    // zh-CN first, with an English switch that sticks across pages.
    await Promise.all([page.waitForEvent('load'), page.click('#lang-switch')]);
    await expect.poll(() => page.locator('button[data-tab="machines"]').textContent()).toBe('Machines & QR');
    await page.goto(`${svc.url}/ui/wall.html`);
    await expect.poll(() => page.locator('#feed-title').textContent()).toBe('Violations');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(errors).toEqual([]);
  });
});
