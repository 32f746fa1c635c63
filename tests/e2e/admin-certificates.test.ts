import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SHOTS, launchChromium, openPage, signIn } from './browser.ts';
import { startE2EService, type E2EService } from './harness.ts';

// 企业管理员 · 特种作业证 tab: register cards by day (Shanghai), see 有效 / 待复审, record a passed 复审,
// download the 特种作业人员台账; at desktop and at 390×844.
let svc: E2EService;
let browser: Browser;

/** The Shanghai calendar day `days` from now, as the date input takes it. */
const day = (days: number, years = 0) => {
  const d = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
};

beforeAll(async () => {
  svc = await startE2EService([]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

async function register(page: Page, card: { number: string; issued: string; expires: string }) {
  const form = page.locator('#cert-register');
  await form.locator('input').nth(0).fill('welder-a');
  await form.locator('select').selectOption('焊接与热切割作业');
  await form.locator('input').nth(1).fill(card.number);
  await form.locator('input[type="date"]').nth(0).fill(card.issued);
  await form.locator('input[type="date"]').nth(1).fill(card.expires);
  await form.locator('button[type="submit"]').click();
  await page.locator(`tr[data-cert="${card.number}"]`).waitFor();
}
const cell = (page: Page, number: string, i: number) =>
  page.locator(`tr[data-cert="${number}"] td`).nth(i).textContent();

describe('企业管理员 certificates', () => {
  it('registers cards, records a review, downloads the ledger', async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await signIn(page, svc.url, 'admin-a', '/ui/permits.html');
    await page.goto(`${svc.url}/ui/admin.html?tab=certificates`);

    await register(page, { number: 'T1405-NEW', issued: day(-30), expires: '2031-12-31' });
    expect(await cell(page, 'T1405-NEW', 3)).toBe('2031-12-31'); // 有效期至 as entered, not a UTC shift
    expect(await cell(page, 'T1405-NEW', 4)).toBe(day(-30, 3)); // 复审: the same day three years on
    expect(await cell(page, 'T1405-NEW', 5)).toBe('有效');

    // issued four years ago and never reviewed: 复审 (issue + 3 years) is overdue
    await register(page, { number: 'T1405-OLD', issued: day(0, -4), expires: day(0, 2) });
    expect(await cell(page, 'T1405-OLD', 5)).toBe('待复审');
    const row = page.locator('tr[data-cert="T1405-OLD"]');
    await row.locator('input[type="date"]').fill(day(-1));
    await row.locator('button[type="submit"]').click();
    await expect.poll(() => cell(page, 'T1405-OLD', 5)).toBe('有效');
    expect(await cell(page, 'T1405-OLD', 4)).toBe(day(0, 2)); // 3 years after the review, capped at expiry
    await page.screenshot({ path: `${SHOTS}/admin-certificates.png`, fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#ledger-download').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^特种作业人员台账-\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect(errors).toEqual([]);
  });

  it('fits a 390×844 phone', async () => {
    const { page, errors } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    await signIn(page, svc.url, 'admin-a', '/ui/permits.html');
    await page.goto(`${svc.url}/ui/admin.html?tab=certificates`);
    await page.locator('tr[data-cert="T1405-NEW"]').waitFor();
    const submit = await page.locator('#cert-register button[type="submit"]').boundingBox();
    expect(submit!.x + submit!.width).toBeLessThanOrEqual(390);
    // the wide table scrolls in its own box: the page itself does not scroll sideways
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SHOTS}/admin-certificates-phone.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
});
