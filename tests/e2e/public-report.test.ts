import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { decodeQr } from '../integration/permits-harness.ts';
import { SHOTS, api, launchChromium, openPage, signIn, startE2EService, type E2EService } from './harness.ts';

// 群众举报 end to end, on a phone-sized Chromium over HTTPS: the enterprise's printed poster (its QR
// decoded from the real PNG) opens the public page; a passer-by attaches a photo and reports without
// signing in, gets a receipt; the safety officer finds a 群众举报 hazard; it is walked through the
// closed loop by the API; the receipt then reads 已销号.
let svc: E2EService;
let browser: Browser;
let posterUrl = '';
let receipt = '';
let hazardId = 0;
const PLANT_HOST = 'jianhu.plant.test';
const DESCRIPTION = `3号皮带机尾部护罩缺失，有人员靠近 ${randomBytes(3).toString('hex')}`;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);

beforeAll(async () => {
  svc = await startE2EService([], { evidence: { clips: false } });
  const poster = await api(svc, 'admin-a', 'GET', '/api/enterprises/ent-a/report-poster.png');
  expect(poster.status).toBe(200);
  writeFileSync(join(SHOTS, 'public-report-poster.png'), poster.raw);
  const { data, info } = await sharp(poster.raw).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  posterUrl = decodeQr(new Uint8ClampedArray(data), info.width, info.height)!.data;
  browser = await launchChromium({ args: [`--host-resolver-rules=MAP ${PLANT_HOST} 127.0.0.1`] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

async function phone(): Promise<{ page: Page; errors: string[] }> {
  return openPage(browser, {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    ignoreHTTPSErrors: true, // the service's self-signed certificate
  });
}
/** The poster's address on the plant host name (the QR names the LAN address the test cannot reach). */
const onPlant = (url: string) => {
  const u = new URL(url);
  return `${svc.httpsUrl.replace('127.0.0.1', PLANT_HOST)}${u.pathname}${u.hash}`;
};

describe('群众举报 from the poster to 已销号', () => {
  it('the enterprise admin finds the poster to print on the admin screen', async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await signIn(page, svc.url, 'admin-a', '/ui/permits.html');
    await page.goto(`${svc.url}/ui/admin.html?tab=report`);
    await page.locator('#report-page-url').waitFor();
    expect(await page.locator('#report-page-url').textContent()).toBe(posterUrl);
    await page.waitForFunction(() => {
      const img = document.querySelector('#admin-body img');
      return img instanceof HTMLImageElement && img.complete && img.naturalWidth === 1240;
    });
    await page.screenshot({ path: `${SHOTS}/public-report-admin.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('the poster QR opens the HTTPS report page; a report with a photo gets a receipt', async () => {
    expect(posterUrl).toMatch(/^https:\/\/[^/]+\/ui\/report\.html#t=[A-Za-z0-9_-]{24}$/);
    const { page, errors } = await phone();
    await page.goto(onPlant(posterUrl));
    await page.locator('#report-form').waitFor();
    expect(await page.locator('#report-title').textContent()).toBe('安全隐患举报');
    // a phone photo: large, so the page shrinks it before sending
    const photo = join(svc.dir, 'hazard.jpg');
    await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#b04020' } })
      .jpeg({ quality: 90 })
      .toFile(photo);
    await page.setInputFiles('#report-photo', photo);
    await page.locator('#photo-preview').waitFor();
    await page.fill('#report-place', '原料场 3号皮带机');
    await page.fill('#report-desc', DESCRIPTION);
    await page.screenshot({ path: `${SHOTS}/public-report-form.png`, fullPage: true });
    const button = await page.locator('#report-submit').boundingBox();
    expect(button!.height).toBeGreaterThanOrEqual(48);
    await page.locator('#report-submit').tap();
    await page.locator('#report-receipt').waitFor();
    receipt = (await page.locator('#receipt-code').textContent())!;
    expect(receipt).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await page.locator('#receipt-state').textContent()).toBe('已受理');
    expect(page.url()).toContain(`#r=${receipt}`);
    await page.screenshot({ path: `${SHOTS}/public-report-receipt.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('the safety officer sees it as a hazard, 检查环节 群众举报, with the shrunk photo', async () => {
    const list = await api(svc, 'safety-a', 'GET', '/api/hazards?stage=public_report');
    const items = list.json.items as { id: number; description: string; stage: string; location: string }[];
    const mine = items.find((h) => h.description === DESCRIPTION)!;
    expect(mine).toMatchObject({ stage: 'public_report', location: '原料场 3号皮带机' });
    hazardId = mine.id;
    const detail = await api(svc, 'safety-a', 'GET', `/api/hazards/${hazardId}`);
    const photos = detail.json.photos as { id: number; mime: string }[];
    expect(photos).toHaveLength(1);
    const file = await api(svc, 'safety-a', 'GET', `/api/hazards/${hazardId}/photos/${photos[0]!.id}`);
    const meta = await sharp(file.raw).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1600, 1067]);
    // the 检查问题隐患清单 names the stage in words
    const day = 86_400_000;
    const range = new URLSearchParams({
      from: new Date(Date.now() - day).toISOString(),
      to: new Date(Date.now() + day).toISOString(),
    });
    const form = await api(svc, 'safety-a', 'GET', `/api/reports/hazard-list?${range}`);
    expect(form.status, JSON.stringify(form.json)).toBe(200);
    // 附件5 lists it (its columns carry no 检查环节: the hazard itself says 群众举报)
    const sections = form.json.sections as { rows: unknown[][] }[];
    const row = sections
      .flatMap((x) => x.rows)
      .find((r) => r.some((c) => typeof c === 'string' && c.startsWith(DESCRIPTION)));
    expect(row).toBeDefined();
    const hazard = (await api(svc, 'safety-a', 'GET', `/api/hazards/${hazardId}`)).json;
    expect(hazard.stage).toBe('public_report');
    const catalogue = (await api(svc, 'safety-a', 'GET', '/api/hazard-catalogue')).json as {
      stages: { code: string; zh: string }[];
    };
    expect(catalogue.stages.find((x) => x.code === 'public_report')?.zh).toBe('群众举报');
    // and the region's regulator sees it too
    expect((await api(svc, 'regulator-z', 'GET', `/api/hazards/${hazardId}`)).status).toBe(200);
  });

  it('walked to closure through the API, the receipt page shows 已销号', async () => {
    const guardian = svc.service.services.users.byUsername('guardian-a')!.userId;
    const step = async (who: string, action: string, body: unknown) => {
      const r = await api(svc, who, 'POST', `/api/hazards/${hazardId}/${action}`, body);
      expect(r.status, `${action}: ${JSON.stringify(r.json)}`).toBe(200);
    };
    const statusWord = async () =>
      ((await (await fetch(`${svc.url}/api/public/reports/${receipt}`)).json()) as { statusZh: string })
        .statusZh;
    await step('safety-a', 'assess', { level: 'general', reason: '一般隐患' });
    expect(await statusWord()).toBe('已受理');
    await step('safety-a', 'dispatch', {
      responsibleUserId: guardian,
      deadline: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      reason: '限期整改',
    });
    expect(await statusWord()).toBe('整改中');
    await step('guardian-a', 'rectify', { photos: [PNG.toString('base64')], reason: '护罩已装回' });
    await step('safety-a', 'verify', { passed: true, reason: '复核合格' });
    expect(await statusWord()).toBe('整改中');
    await step('admin-a', 'close', { reason: '销号' });

    const { page, errors } = await phone();
    await page.goto(onPlant(`https://x/ui/report.html#r=${receipt}`));
    await page.locator('#report-status').waitFor();
    expect(await page.locator('#receipt-state').textContent()).toBe('已销号');
    expect(await page.locator('#report-form').isHidden()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/public-report-closed.png`, fullPage: true });
    // a mistyped receipt: the coded refusal, in words
    await page.fill('#status-receipt', 'ZZZZ-ZZZZ-ZZZZ');
    await page.locator('#status-submit').tap();
    await page.locator('#report-error').waitFor();
    expect(await page.locator('#report-error').textContent()).toContain('回执码不存在');
    expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
  });
});
