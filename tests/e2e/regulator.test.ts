import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Clock } from '../../src/platform/shared/clock.ts';
import { REGION_OF_THREE, seedRegionHistory } from '../helpers/regulator-seed.ts';
import { SHOTS, launchChromium, openPage, signIn } from './browser.ts';
import { api, startE2EService, type E2EService } from './harness.ts';

// 监管总览 and 执法检查 in real Chromium: the regulator of 泽州县 lands on the overview, sees the three
// enterprises of the region ranked by unwatched work (seeded history: 乙 90 min, 甲 30 min, 丁 none),
// re-ranks by open major hazards, records an inspection of 甲 with a finding and a fine; 甲's admin sees
// it on the same page read-only (no form; the API refuses the write with 403).
let svc: E2EService;
let browser: Browser;
let offsetMs = 0;
/** The service's clock: real time, set back by the seed to write two days of history. */
const clock: Clock = { now: () => Date.now() + offsetMs };

const order = (page: Page) =>
  page
    .locator('#ov-table tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-enterprise')));

beforeAll(async () => {
  svc = await startE2EService([], { ...REGION_OF_THREE, evidence: { clips: false } }, { clock });
  seedRegionHistory(svc.service.services, (ms) => (offsetMs = ms - Date.now()), Date.now());
  offsetMs = 0;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

describe('监管总览 and 执法检查', () => {
  it('the regulator lands on the overview, ranks, drills down and records an inspection', async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await signIn(page, svc.url, 'regulator-z', '/ui/regulator.html');
    await page.locator('#ov-table tbody tr').nth(2).waitFor();
    expect(await order(page)).toEqual(['ent-b', 'ent-a', 'ent-d']);
    expect(await page.locator('tr[data-enterprise="ent-b"] td.m-unwatchedMinutes').textContent()).toBe('90');
    await page.screenshot({ path: `${SHOTS}/regulator-overview.png`, fullPage: true });

    await page.click('#sort-openMajorHazards');
    await page.locator('#sort-openMajorHazards.sorted').waitFor();
    await page.waitForFunction(
      () => document.querySelector('#ov-table tbody tr')?.getAttribute('data-enterprise') === 'ent-d',
    );
    expect(await order(page)).toEqual(['ent-d', 'ent-a', 'ent-b']);

    // drill down: the per-permit audit opens with the enterprise preselected
    await Promise.all([
      page.waitForURL('**/ui/audit.html?*'),
      page.locator('tr[data-enterprise="ent-b"] a.drill').click(),
    ]);
    await page.locator('tr.audit-row', { hasText: 'DH-SEED-ent-b' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#f-enterprise').inputValue()).toBe('ent-b');
    await page.screenshot({ path: `${SHOTS}/regulator-drilldown.png`, fullPage: true });

    // the whole region over the overview's 90 days: every enterprise's permits, one page, at a phone's size
    await page.goto(`${svc.url}/ui/regulator.html`);
    await page.locator('#ov-table tbody tr').nth(2).waitFor();
    await Promise.all([page.waitForURL('**/ui/audit.html?*region=*'), page.click('#ov-region-audit')]);
    for (const ent of ['ent-a', 'ent-b', 'ent-d'])
      await page.locator('tr.audit-row', { hasText: `DH-SEED-${ent}` }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#f-enterprise').inputValue()).toBe('region:zezhou');
    expect(await page.locator('#audit-page').textContent()).toContain('共 3 张');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/regulator-region-audit-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.goto(`${svc.url}/ui/regulator.html`);
    await page.locator('#insp-form').waitFor();
    await page.selectOption('#i-enterprise', 'ent-a');
    await page.selectOption('#i-stage', 'cross_check');
    await page.fill('#i-unit', '泽州县应急管理局');
    await page.fill('#i-inspectors', '张检查、李执法');
    await page.fill('#i-penalty-text', '罚款并责令整改');
    await page.fill('#i-penalty', '0.5');
    await page.check('#i-supervised');
    await page.fill('#i-supervising-unit', '晋城市安委办');
    await page.fill('#i-findings .f-desc', '动火点未配置灭火器');
    await page.fill('#i-findings .f-type', '动火作业');
    await page.click('#i-submit');
    await page.locator('#insp-notice', { hasText: '已保存检查记录' }).waitFor();
    const row = page.locator('#insp-table tbody tr').first();
    await row.locator('td.findings', { hasText: '动火点未配置灭火器' }).waitFor();
    expect(await row.textContent()).toContain('交叉检查');
    expect(await row.locator('td.penalty').textContent()).toContain('0.5 万元');
    await page.screenshot({ path: `${SHOTS}/regulator-inspection.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('the enterprise reads the inspection, cannot edit it, and works its finding as a hazard', async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    await signIn(page, svc.url, 'admin-a', '/ui/permits.html');
    await page.click('nav a:has-text("执法检查")');
    await page.waitForURL('**/ui/regulator.html');
    const row = page.locator('#insp-table tbody tr').first();
    await row.locator('td.findings', { hasText: '动火点未配置灭火器' }).waitFor();
    expect(await page.locator('#insp-form').isHidden()).toBe(true);
    expect(await page.locator('#overview').isHidden()).toBe(true);
    expect(await page.locator('#insp-list button, #insp-list input').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/regulator-enterprise-readonly.png`, fullPage: true });

    const list = await api(svc, 'admin-a', 'GET', '/api/inspections');
    const mine = (list.json.items as { id: number; findings: { id: number }[] }[])[0]!;
    const edit = await fetch(`${svc.url}/api/inspections/${mine.id}`, {
      method: 'PATCH',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await token('admin-a')}`,
      },
      body: JSON.stringify({ penaltyWanYuan: 0 }),
    });
    expect(edit.status).toBe(403);
    expect(((await edit.json()) as { code: string }).code).toBe('JH_ERR_AUTH_FORBIDDEN');
    const hazard = await api(svc, 'admin-a', 'GET', `/api/hazards/${mine.findings[0]!.id}`);
    expect(hazard.json).toMatchObject({ stage: 'cross_check', source: 'inspection', state: 'registered' });
    expect(errors).toEqual([]);
  });

  it('fits a 390×844 phone', async () => {
    const { page, errors } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await signIn(page, svc.url, 'regulator-z', '/ui/regulator.html');
    await page.locator('#ov-table tbody tr').nth(2).waitFor();
    await page.locator('#insp-table').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SHOTS}/regulator-phone.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
});

async function token(username: string): Promise<string> {
  const r = await fetch(`${svc.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'test-password-1' }),
  });
  return ((await r.json()) as { token: string }).token;
}
