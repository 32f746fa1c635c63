import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { decodeQr } from '../integration/permits-harness.ts';
import { SHOTS, launchChromium, openPage, signIn } from './browser.ts';
import { api, startE2EService, type E2EService } from './harness.ts';
import {
  PHONE,
  bj,
  dispatchOnScreen,
  passReviewAndClose,
  rectifyOnPhone,
  stateOf,
} from './hazard-screens.ts';

// 群众举报 end to end through the screens, each step by its own user: the enterprise's printed poster
// (its QR decoded from the real PNG) opens the public page on a phone over HTTPS; a passer-by attaches
// a photo and reports without signing in, gets a receipt; the safety officer finds the 群众举报 hazard
// on the hazard board, assesses it and dispatches it to guardian-a with a deadline; guardian-a
// rectifies on a 390x844 phone; admin-a reviews and closes it (销号) on the desk; the reporter types
// the receipt on the public page and reads 整改中, then 已销号.
let svc: E2EService;
let browser: Browser;
let posterUrl = '';
let receipt = '';
let hazardId = 0;
const PLANT_HOST = 'jianhu.plant.test';
const DESCRIPTION = `3号皮带机尾部护罩缺失，有人员靠近 ${randomBytes(3).toString('hex')}`;
const DAY = 86_400_000;
const DESK = { viewport: { width: 1440, height: 900 } };

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

  it('the safety officer finds it on the hazard board as 群众举报, assesses it and dispatches it with a deadline', async () => {
    const { page, errors } = await openPage(browser, DESK);
    await signIn(page, svc.url, 'safety-a', '/ui/wall.html');
    await page.goto(`${svc.url}/ui/hazards.html`);
    // 检查环节 群众举报 on the board's filter: the report is there, registered
    await page.selectOption('#hz-filter-stage', 'public_report');
    const card = page.locator('.hazard-card', { hasText: DESCRIPTION });
    await expect.poll(() => card.getAttribute('data-state')).toBe('registered');
    hazardId = Number(await card.getAttribute('data-hazard'));
    await page.screenshot({ path: `${SHOTS}/public-report-board.png`, fullPage: true });
    await card.click();
    await expect.poll(() => new URL(page.url()).hash).toBe(`#h/${hazardId}`);
    await expect.poll(() => stateOf(page)).toBe('registered');
    const facts = await page.locator('.facts').first().textContent();
    for (const s of ['群众举报', '群众/员工扫码举报', '原料场 3号皮带机', DESCRIPTION])
      expect(facts).toContain(s);
    await expect.poll(() => page.locator('.hz-photos[data-kind="before"] img').count()).toBe(1);

    // 评估: 一般隐患 (no 五到位 needed); 派单 to guardian-a, to be rectified within three days
    await page.selectOption('#hz-level', 'general');
    expect(await page.locator('#hz-five').isHidden()).toBe(true);
    await page.getByRole('button', { name: '提交评估' }).click();
    await expect.poll(() => stateOf(page)).toBe('assessed');
    const guardian = svc.service.services.users.byUsername('guardian-a')!.userId;
    const deadline = Date.now() + 3 * DAY;
    await dispatchOnScreen(page, guardian, bj(deadline));
    const hazard = (await api(svc, 'safety-a', 'GET', `/api/hazards/${hazardId}`)).json;
    expect(hazard).toMatchObject({ stage: 'public_report', level: 'general', responsibleUserId: guardian });
    // the minute typed in Beijing time is the deadline kept
    expect(Math.abs(Date.parse(hazard.deadline as string) - deadline)).toBeLessThan(60_000);
    await page.screenshot({ path: `${SHOTS}/public-report-dispatched.png`, fullPage: true });
    expect(errors).toEqual([]);

    // the photo came shrunk by the report page; 附件5 lists the hazard; the region's regulator sees it
    const photos = hazard.photos as { id: number }[];
    expect(photos).toHaveLength(1);
    const file = await api(svc, 'safety-a', 'GET', `/api/hazards/${hazardId}/photos/${photos[0]!.id}`);
    const meta = await sharp(file.raw).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1600, 1067]);
    const range = new URLSearchParams({
      from: new Date(Date.now() - DAY).toISOString(),
      to: new Date(Date.now() + DAY).toISOString(),
    });
    const form = await api(svc, 'safety-a', 'GET', `/api/reports/hazard-list?${range}`);
    expect(form.status, JSON.stringify(form.json)).toBe(200);
    const sections = form.json.sections as { rows: unknown[][] }[];
    const rows = sections.flatMap((x) => x.rows);
    expect(rows.some((r) => r.some((c) => typeof c === 'string' && c.startsWith(DESCRIPTION)))).toBe(true);
    expect((await api(svc, 'regulator-z', 'GET', `/api/hazards/${hazardId}`)).status).toBe(200);
  });

  it('the reporter follows the receipt: 整改中 while guardian-a rectifies on a phone, 已销号 once admin-a closes it', async () => {
    const reporter = await phone();
    const lookUp = async (receiptCode: string) => {
      await reporter.page.fill('#status-receipt', receiptCode);
      await reporter.page.locator('#status-submit').tap();
    };
    // a bare report page (no poster token): only the receipt lookup
    await reporter.page.goto(onPlant('https://x/ui/report.html'));
    await reporter.page.locator('#status-form').waitFor();
    expect(await reporter.page.locator('#report-form').isHidden()).toBe(true);
    await lookUp(receipt);
    await expect
      .poll(() => reporter.page.locator('#report-status #receipt-state').textContent())
      .toBe('整改中');

    // guardian-a on a phone: 我的整改 → the hazard → photo + measures
    const guardian = await openPage(browser, PHONE);
    await signIn(guardian.page, svc.url, 'guardian-a', '/ui/permits.html');
    await rectifyOnPhone(guardian.page, hazardId, '护罩已装回并加锁', 'public-report-phone-rectify.png');
    // the responsible person does not review their own work
    expect(await guardian.page.locator('#hz-review').count()).toBe(0);

    // admin-a reviews and closes on the desk
    const desk = await openPage(browser, DESK);
    await signIn(desk.page, svc.url, 'admin-a', '/ui/permits.html');
    await desk.page.goto(`${svc.url}/ui/hazards.html#h/${hazardId}`);
    await passReviewAndClose(desk.page, 'public-report-review.png');
    const history = await desk.page
      .locator('#hz-history tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(history).toEqual(['register', 'assess', 'dispatch', 'rectify', 'verify', 'close']);
    await desk.page.screenshot({ path: `${SHOTS}/public-report-hazard-closed.png`, fullPage: true });

    // the reporter asks again: 已销号
    await lookUp(receipt);
    await expect
      .poll(() => reporter.page.locator('#report-status #receipt-state').textContent())
      .toBe('已销号');
    expect(await reporter.page.locator('#report-status #receipt-code').textContent()).toBe(receipt);
    await reporter.page.screenshot({ path: `${SHOTS}/public-report-closed.png`, fullPage: true });
    // a mistyped receipt: the coded refusal, in words
    await lookUp('ZZZZ-ZZZZ-ZZZZ');
    await reporter.page.locator('#report-error').waitFor();
    expect(await reporter.page.locator('#report-error').textContent()).toContain('回执码不存在');
    expect(reporter.errors.filter((e) => !e.includes('404'))).toEqual([]);
    expect(guardian.errors).toEqual([]);
    expect(desk.errors).toEqual([]);
  }, 90_000);
});
