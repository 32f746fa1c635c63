import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { CameraRef } from '../../src/supervision/zones/cameras.ts';
import { SHOTS, launchChromium, openPage, signIn } from './browser.ts';
import { api, startE2EService, type E2EService } from './harness.ts';
import {
  PHONE,
  bj,
  dispatchOnScreen,
  passReviewAndClose,
  photo,
  rectifyOnPhone,
  stateOf,
} from './hazard-screens.ts';

// 隐患闭环 through the screens: a violation confirmed on the wall → 派单整改 (twice: one hazard) → the
// hazard screen → 评估 (重大, 五到位) → 派单 to guardian-a → guardian-a rectifies on a 390x844 phone with
// a photo → 复核 fails, back to 整改中 → rectified again → 复核 passes → 销号. And an overdue hazard is
// outlined on the board with its escalation.
let svc: E2EService;
let browser: Browser;

beforeAll(async () => {
  svc = await startE2EService(
    [{ id: 'cam1', name: '2号钢包入口', url: 'rtsp://127.0.0.1:9/none', enabled: false } as never],
    { evidence: { clips: false } },
  );
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

/** A pending 未戴安全帽 violation on cam1, with its snapshot, as the rules pipeline records one. */
async function makeViolation(): Promise<number> {
  const { violations } = svc.service.services.supervision;
  const cam: CameraRef = {
    camera: { id: 'cam1', name: '2号钢包入口' } as never,
    site: { id: 'site-a', name: '甲-炼钢车间' } as never,
    enterpriseId: 'ent-a',
  };
  const ts = Date.now();
  const [touched] = violations!.apply(cam, [
    {
      kind: 'started',
      violation: {
        key: 'no_helmet|7',
        type: 'no_helmet',
        severity: 'high',
        cameraId: 'cam1',
        trackId: 7,
        zoneId: null,
        startTs: ts,
        lastTs: ts,
        endTs: null,
        box: null,
        detail: {},
      },
    },
  ]);
  const id = touched!.record.id;
  await svc.service.services.video.evidence!.storeSnapshot(
    { violationId: id, enterpriseId: 'ent-a', cameraId: 'cam1' },
    {
      width: 64,
      height: 48,
      rgb: Buffer.alloc(64 * 48 * 3, 90),
      boxes: [],
      zones: [],
      title: '未戴安全帽',
      ts,
    },
  );
  return id;
}

describe('隐患闭环 on the screens', () => {
  it('violation → hazard → assess → dispatch → phone rectification → review → close', async () => {
    const violationId = await makeViolation();
    const desk = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    const page = desk.page;
    await signIn(page, svc.url, 'safety-a', '/ui/wall.html');
    const card = page.locator(`#vio-${violationId}`);
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
    await card.getByRole('button', { name: '确认违章' }).click();
    await expect.poll(() => card.getAttribute('data-review')).toBe('confirmed');
    // 派单整改 twice: the same hazard both times, one hazard for the violation
    for (let i = 0; i < 2; i++) {
      await card.getByRole('button', { name: '派单整改' }).click();
      await expect.poll(() => card.locator('.notice.ok').textContent()).toMatch(/已派单整改，隐患编号 \d+$/);
    }
    const all = (await api(svc, 'safety-a', 'GET', '/api/hazards?enterprise=ent-a')).json.items as {
      id: number;
      violationId: string | null;
    }[];
    const mineForViolation = all.filter((x) => x.violationId === String(violationId));
    expect(mineForViolation).toHaveLength(1);
    const hazardId = mineForViolation[0]!.id;
    const link = card.locator('a.hazard-link');
    expect(await link.textContent()).toBe(String(hazardId));

    // the notice's number opens the hazard: 已登记, with the violation's snapshot as on-site photo
    await link.click();
    await page.waitForURL(`**/ui/hazards.html#h/${hazardId}`);
    await expect.poll(() => stateOf(page)).toBe('registered');
    expect(await page.locator('.facts').first().textContent()).toContain('个体防护');
    await expect.poll(() => page.locator('.hz-photos[data-kind="before"] img').count()).toBe(1);

    // 评估: 重大 needs 五到位 (措施、责任、资金、时限、预案) before dispatch
    await page.selectOption('#hz-level', 'major');
    await page.fill('#hz-five-measures', '补发安全帽，班前检查佩戴');
    await page.fill('#hz-five-person', '炼钢车间主任');
    await page.fill('#hz-five-funds', '2000');
    await page.fill('#hz-five-deadline', bj(Date.now() + 2 * 86_400_000));
    await page.fill('#hz-five-plan', '未整改前停止该区域作业');
    await page.screenshot({ path: `${SHOTS}/hazards-assess.png`, fullPage: true });
    await page.getByRole('button', { name: '提交评估' }).click();
    await expect.poll(() => stateOf(page)).toBe('assessed');

    // guardian-a is on their landing screen (the permit desk) before the dispatch: the notice arrives live
    const phone = await openPage(browser, PHONE);
    await signIn(phone.page, svc.url, 'guardian-a', '/ui/permits.html');
    await phone.page.locator('#my-hazards[data-live="on"]').waitFor({ state: 'attached' });

    // 派单 to guardian-a; the deadline defaults to the 五到位 时限
    await dispatchOnScreen(page, await userId('guardian-a'));

    // guardian-a is told at once (hazard.responsibleNotified to their sessions): 我的整改 with a badge
    await phone.page.locator('#my-hazards-notice', { hasText: '已派给您整改' }).waitFor({ timeout: 10_000 });
    expect(await phone.page.locator('#my-hazards-badge').textContent()).toBe('1');
    expect(await phone.page.locator(`#my-hazards li[data-hazard="${hazardId}"]`).count()).toBe(1);
    await phone.page.screenshot({ path: `${SHOTS}/hazards-phone-notice.png`, fullPage: true });
    // photo + measures on the phone
    await rectifyOnPhone(phone.page, hazardId, '已补发安全帽并现场佩戴', 'hazards-phone-rectify.png');

    // 复核 fails: back to 整改中; the guardian rectifies again; 复核 passes; 销号. The desk's open hazard
    // hears hazard.rectified over socket.io and re-renders: no reload
    await expect.poll(() => stateOf(page), { timeout: 10_000 }).toBe('rectified');
    expect(await page.locator('.hz-photos[data-kind="after"] img').count()).toBe(1);
    await page.fill('#hz-review-reason', '照片未见佩戴情况，请补拍');
    await page.getByRole('button', { name: '不通过，退回整改' }).click();
    await expect.poll(() => stateOf(page)).toBe('dispatched');

    await rectifyOnPhone(phone.page, hazardId, '补拍佩戴照片', 'hazards-phone-rectify-again.png');
    // the responsible person may not review their own work: no review form on the phone
    expect(await phone.page.locator('#hz-review').count()).toBe(0);

    await passReviewAndClose(page, 'hazards-review.png');
    const history = await page
      .locator('#hz-history tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(history).toEqual([
      'register',
      'assess',
      'dispatch',
      'rectify',
      'verify',
      'rectify',
      'verify',
      'close',
    ]);
    expect(await page.locator('#hz-history tr[data-action="verify"]').first().textContent()).toContain(
      '复核不通过',
    );
    await page.screenshot({ path: `${SHOTS}/hazards-closed.png`, fullPage: true });
    expect(desk.errors).toEqual([]);
    expect(phone.errors).toEqual([]);
  }, 120_000);

  it('the board filters by state, level and 检查环节 and outlines an overdue hazard; 登记 on the screen; the regulator reads only', async () => {
    const reg = await api(svc, 'safety-a', 'POST', '/api/hazards', {
      enterpriseId: 'ent-a',
      source: 'inspection',
      stage: 'county_check',
      checker: '县应急局',
      description: '煤气管道阀门泄漏',
      hazardType: 'gas',
    });
    expect(reg.status).toBe(201);
    const id = reg.json.id as number;
    await api(svc, 'safety-a', 'POST', `/api/hazards/${id}/assess`, { level: 'general', reason: '一般' });
    const d = await api(svc, 'safety-a', 'POST', `/api/hazards/${id}/dispatch`, {
      responsibleUserId: await userId('guardian-a'),
      deadline: new Date(Date.now() + 1500).toISOString(),
      reason: '派单',
    });
    expect(d.status).toBe(200);
    await new Promise((r) => setTimeout(r, 2000));
    expect(svc.service.services.oversight.hazards.checkOverdue()).toBe(1);

    const { page, errors } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await signIn(page, svc.url, 'safety-a', '/ui/wall.html');
    await page.goto(`${svc.url}/ui/hazards.html`);
    const c = page.locator(`.hazard-card[data-hazard="${id}"]`);
    await expect.poll(() => c.getAttribute('data-overdue')).toBe('1');
    expect(await c.getAttribute('class')).toContain('overdue');
    expect(await c.textContent()).toContain('逾期 · 第1级');
    expect(await c.textContent()).toContain('煤气');
    expect(await page.locator('#hz-summary').textContent()).toContain('逾期未整改 1');
    await page.screenshot({ path: `${SHOTS}/hazards-board.png`, fullPage: true });
    // 检查环节 filter: 市县检查 keeps this one, 企业自查 hides it
    await page.selectOption('#hz-filter-stage', 'county_check');
    await expect.poll(() => page.locator('.hazard-card').count()).toBe(1);
    await page.selectOption('#hz-filter-stage', 'self_check');
    await expect.poll(() => c.count()).toBe(0);
    await page.selectOption('#hz-filter-stage', '');
    await page.selectOption('#hz-filter-level', 'major');
    await expect.poll(() => c.count()).toBe(0);
    await page.selectOption('#hz-filter-level', '');
    await page.selectOption('#hz-filter-state', 'dispatched');
    await expect.poll(() => page.locator('.board-col').count()).toBe(1);
    await expect.poll(() => c.count()).toBe(1);
    // English second
    await page.click('#lang-switch');
    await expect.poll(() => c.textContent()).toContain('Overdue · level 1');
    expect(await page.locator('#hz-filter-stage option[value="county_check"]').textContent()).toBe(
      'City/county inspection',
    );
    await page.click('#lang-switch');
    expect(errors).toEqual([]);

    // 登记 from an inspection on the screen: a type code chosen by name, an on-site photo
    await page.goto(`${svc.url}/ui/hazards.html`);
    await page.click('#hz-new');
    await page.selectOption('#hr-stage', 'province_check');
    await page.selectOption('#hr-type', 'confined_space');
    await page.fill('#hr-description', '脱硫塔入口未设警示标志');
    await page.fill('#hr-location', '脱硫塔');
    await page
      .locator('#hr-photos')
      .setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: await photo() });
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await expect.poll(() => page.locator('#hz-state').getAttribute('data-state')).toBe('registered');
    const facts = await page.locator('.facts').first().textContent();
    expect(facts).toContain('有限空间');
    expect(facts).toContain('省级督查');
    await expect.poll(() => page.locator('.hz-photos[data-kind="before"] img').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/hazards-registered.png`, fullPage: true });
    expect(errors).toEqual([]);

    // the county regulator reads the region's board (not 我的整改), the overdue one included, and acts on none
    const regulator = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await signIn(regulator.page, svc.url, 'regulator-z', '/ui/regulator.html');
    await regulator.page.goto(`${svc.url}/ui/hazards.html`);
    const seen = regulator.page.locator(`.hazard-card[data-hazard="${id}"]`);
    await expect.poll(() => seen.getAttribute('data-overdue')).toBe('1');
    expect(await regulator.page.locator('#hz-new, #hz-mine').count()).toBe(0);
    await seen.click();
    await expect.poll(() => regulator.page.locator('#hz-waiting').textContent()).toBe('整改中');
    expect(await regulator.page.locator('#hz-step form').count()).toBe(0);
    expect(regulator.errors).toEqual([]);
  }, 60_000);
});

async function userId(username: string): Promise<number> {
  return svc.service.services.users.byUsername(username)!.userId;
}
