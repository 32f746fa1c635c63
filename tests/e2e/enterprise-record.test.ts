import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SHOTS, launchChromium, openPage, signIn } from './browser.ts';
import { api, startE2EService, type E2EService } from './harness.ts';

// 一企一档 page: the enterprise admin fills in and saves the record (a register row added); the
// regulator of the region sees it read-only with the grade, and sets the 监管等级 with a reason, which the
// admin then sees. Desktop and phone (390×844) screenshots.
let svc: E2EService;
let browser: Browser;

beforeAll(async () => {
  svc = await startE2EService([]);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

describe('enterprise record page', () => {
  it('the admin edits and saves; the regulator reads it and sets the grade', async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 390, height: 844 } });
    await signIn(page, svc.url, 'admin-a', '/ui/permits.html');
    await page.goto(`${svc.url}/ui/enterprise.html`);
    await page.waitForSelector('#record-save');
    await page.fill('[name="creditCode"]', '91350100M000100Y44');
    await page.click('#record-save');
    await expect.poll(() => page.textContent('#e-notice')).toContain('JH_ERR_ENTERPRISE_CREDIT_CODE_INVALID');
    await page.fill('[name="creditCode"]', '91350100M000100Y43');
    await page.selectOption('[name="industryClass"]', 'metallurgy');
    await page.selectOption('[name="scale"]', 'medium');
    await page.fill('[name="mainHazards"]', '煤气中毒、高温熔融金属');
    const gas = page.locator('fieldset.register').nth(1);
    await gas.locator('button', { hasText: '添加' }).click();
    await gas.locator('[name="name"]').fill('高炉炉顶');
    await gas.locator('[name="location"]').fill('2# 高炉');
    await gas.locator('[name="level"]').selectOption('class1');
    await page.click('#record-save');
    await expect.poll(() => page.textContent('#e-version')).toContain('第 1 版');
    await page.screenshot({ path: join(SHOTS, 'enterprise-record-admin-phone.png'), fullPage: true });
    const saved = await api(svc, 'admin-a', 'GET', '/api/enterprises/ent-a/record');
    expect(saved.json).toMatchObject({
      creditCode: '91350100M000100Y43',
      aboveDesignatedSize: null,
      mainHazards: ['煤气中毒', '高温熔融金属'],
      gasAreas: [{ name: '高炉炉顶', location: '2# 高炉', level: 'class1' }],
    });
    expect(await page.textContent('main')).not.toContain('null');
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]);

    const reg = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await signIn(reg.page, svc.url, 'regulator-z', '/ui/regulator.html');
    await reg.page.goto(`${svc.url}/ui/enterprise.html?id=ent-a`);
    await reg.page.waitForSelector('#override-form');
    expect(await reg.page.locator('#record-save').count()).toBe(0);
    expect(await reg.page.locator('[name="creditCode"]').getAttribute('readonly')).not.toBeNull();
    expect(await reg.page.locator('#region-grades tr').count()).toBe(3); // header + ent-a + ent-b
    await reg.page.selectOption('#override-grade', 'B');
    await reg.page.fill('#override-reason', '重点监管：煤气区域多');
    await reg.page.click('#override-form button[type="submit"]');
    await expect.poll(() => reg.page.textContent('#grade-override')).toContain('重点监管：煤气区域多');
    await expect.poll(() => reg.page.textContent('#region-grades')).toContain('重点监管：煤气区域多');
    expect(await reg.page.textContent('main')).not.toContain('null');
    await reg.page.screenshot({ path: join(SHOTS, 'enterprise-record-regulator.png'), fullPage: true });
    expect(reg.errors).toEqual([]);

    await page.reload();
    await expect.poll(() => page.textContent('#grade-now')).toContain('监管等级 B');
    expect(await page.textContent('#grade-override')).toContain('重点监管：煤气区域多');
    expect(await page.locator('#override-form').count()).toBe(0);
  }, 120_000);
});
