import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SHOTS, launchChromium, openPage, signIn } from './browser.ts';
import { api, startE2EService, type E2EService } from './harness.ts';

// 企业管理员 issues and revokes each chip's and padlock's MQTT credential on the admin page (#23): the
// secret is shown once with a copy button and a bilingual warning, the copied secret really connects
// to the service's broker, and a revoked credential shows as revoked and no longer connects.
let svc: E2EService;
let browser: Browser;

beforeAll(async () => {
  // a configured but disabled camera: locks must name an entrance camera, nothing needs to stream
  svc = await startE2EService(
    [{ id: 'cam1', name: '2号钢包入口', url: 'rtsp://127.0.0.1:9/none', enabled: false } as never],
    { evidence: { clips: false } },
  );
  const m = await api(svc, 'admin-a', 'POST', '/api/machines', {
    id: 'M1',
    name: '1号焊机',
    siteId: 'site-a',
    lat: 35.49,
    lon: 112.85,
  });
  expect(m.status).toBe(201);
  const l = await api(svc, 'admin-a', 'POST', '/api/locks', {
    id: 'L1',
    name: '2号钢包入口锁',
    siteId: 'site-a',
    code: 'LK-0001',
    cameraId: 'cam1',
  });
  expect(l.status).toBe(201);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

/** Connects to the service's broker as the device would; true when the broker accepts it. */
async function deviceConnects(username: string, secret: string): Promise<boolean> {
  try {
    const c = await mqtt.connectAsync(svc.service.services.mqtt!.url, {
      clientId: username,
      username,
      password: secret,
      reconnectPeriod: 0,
      connectTimeout: 3000,
    });
    await c.endAsync();
    return true;
  } catch {
    return false;
  }
}

async function issueAndRead(page: Page, cell: string): Promise<{ username: string; secret: string }> {
  const td = page.locator(`td[data-credential="${cell}"]`);
  await expect.poll(() => td.locator('.badge').textContent()).toBe('未签发');
  await td.locator('button.issue-credential').click();
  const panel = page.locator('#mqtt-secret-panel');
  await panel.waitFor();
  expect(await panel.getAttribute('data-device')).toBe(cell);
  const warning = (await panel.locator('[role="alert"]').textContent())!;
  // zh first, en second, both always: a lost secret cannot be shown again
  expect(warning.indexOf('只显示这一次')).toBeGreaterThanOrEqual(0);
  expect(warning.indexOf('shown once only')).toBeGreaterThan(warning.indexOf('只显示这一次'));
  const secret = await panel.locator('#mqtt-secret').inputValue();
  expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await panel.locator('#mqtt-secret-copy').click();
  await expect.poll(() => panel.locator('#mqtt-secret-copied').textContent()).toBe('已复制');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(secret);
  await expect.poll(() => td.locator('.badge').textContent()).toBe('有效');
  return { username: cell, secret };
}

describe('企业管理员 device credentials', () => {
  for (const [label, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    it(`issues (shown once, copied), revokes and shows the state of chip and lock credentials (${label})`, async () => {
      // each viewport starts from devices that never had a credential
      svc.service.services.db.prepare("DELETE FROM mqtt_devices WHERE device_id IN ('M1', 'L1')").run();
      const { page, errors } = await openPage(browser, {
        viewport,
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      page.on('dialog', (d) => void d.accept());
      await signIn(page, svc.url, 'admin-a', '/ui/permits.html'); // the applicant's desk is its home

      await page.goto(`${svc.url}/ui/admin.html?tab=machines`);
      const chip = await issueAndRead(page, 'machine:M1');
      expect(await deviceConnects(chip.username, chip.secret)).toBe(true);
      await page.screenshot({ path: `${SHOTS}/admin-device-credential-${label}.png`, fullPage: true });

      // shown once: after a reload the page has only the state, never the secret
      await page.reload();
      const td = page.locator('td[data-credential="machine:M1"]');
      await expect.poll(() => td.locator('.badge').textContent()).toBe('有效');
      expect(await page.locator('#mqtt-secret-panel').count()).toBe(0);
      expect(await page.content()).not.toContain(chip.secret);

      await td.locator('button.revoke-credential').click();
      await expect.poll(() => td.locator('.badge').textContent()).toBe('已吊销');
      expect(await td.textContent()).toContain('吊销于');
      expect(await deviceConnects(chip.username, chip.secret)).toBe(false);

      await page.locator('button[data-tab="locks"]').click();
      const lock = await issueAndRead(page, 'lock:L1');
      expect(await deviceConnects(lock.username, lock.secret)).toBe(true);
      await page.locator('#mqtt-secret-close').click();
      expect(await page.locator('#mqtt-secret-panel').count()).toBe(0);
      const lockTd = page.locator('td[data-credential="lock:L1"]');
      await lockTd.locator('button.revoke-credential').click();
      await expect.poll(() => lockTd.locator('.badge').textContent()).toBe('已吊销');
      expect(await deviceConnects(lock.username, lock.secret)).toBe(false);
      const status = await api(svc, 'admin-a', 'GET', '/api/locks/L1/mqtt-credential');
      expect(status.json.revokedAt).toEqual(expect.any(String));
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});
