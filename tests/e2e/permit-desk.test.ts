import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import type { Clock } from '../../src/platform/shared/clock.ts';
import { labelAsCameraVideo, launchChromium, openPage, signIn, type WatchedPage } from './browser.ts';
import { api, ensureCameraOnline, startE2EService, waitForHealth, type E2EService } from './harness.ts';
import {
  confirmAll,
  createPermit,
  openPermit,
  originOf,
  recordGas,
  shot,
  state,
} from './permit-desk-screens.ts';

// 作业票 desk, through the screens only: the admin grants the approver 主管领导 authority; the
// applicant (安全员) creates and submits a 特级动火 and a 有限空间 permit; the approver approves from
// 待审批; the guardian records gas tests, confirms the measures and starts (the gate's refusal in
// words first); the welder's phone accepts the scan; a camera fault suspends the hot work (暂停 and
// why); after a break longer than 30 min (the service's clock moved on) monitoring returns, the re-test
// is due, is recorded, work resumes and is completed. Screenshots: test-results/e2e/permit-desk-*.png.
const MACHINE_AT = { latitude: 35.4901, longitude: 112.8512 };
let offsetMs = 0;
/** The service's clock: real time, moved forward by the test to make a long break. */
const clock: Clock = { now: () => Date.now() + offsetMs };
let sim: Sim;
let svc: E2EService;
let browser: Browser;
const pages: WatchedPage[] = [];
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  sim = await startSim({ cameras: ['cam1', 'cam2'], port: 0 });
  svc = await startE2EService(
    [
      { id: 'cam1', name: '1号转炉平台 动火点', url: sim.url('cam1') },
      { id: 'cam2', name: '2号 钢包 受限空间入口', url: sim.url('cam2') },
    ],
    { evidence: { clips: false } },
    { clock },
  );
  const m = await api(svc, 'admin-a', 'POST', '/api/machines', {
    id: 'M1',
    name: '1号焊机',
    siteId: 'site-a',
    cameraId: 'cam1',
    lat: MACHINE_AT.latitude,
    lon: MACHINE_AT.longitude,
  });
  expect(m.status).toBe(201);
  // every worker on hot work holds a valid 焊接与热切割作业 certificate (checked at submit and start)
  const now = Date.now();
  const cert = await api(svc, 'safety-a', 'POST', '/api/certificates', {
    username: 'welder-a',
    number: 'T140525198801011234',
    category: '焊接与热切割作业',
    issuedAt: iso(now - 365 * 86_400_000),
    expiresAt: iso(now + 2 * 365 * 86_400_000),
  });
  expect(cert.status).toBe(201);
  // the machine's QR label as the welder's phone camera sees it
  const label = (await api(svc, 'admin-a', 'GET', '/api/machines/M1/qr.png')).raw;
  browser = await launchChromium({ fakeVideo: labelAsCameraVideo(label, svc.dir) });
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
  await sim?.stop();
});

async function as(username: string, home: string, phone = false): Promise<Page> {
  const w = await openPage(
    browser,
    phone
      ? {
          viewport: { width: 390, height: 844 },
          deviceScaleFactor: 2,
          isMobile: true,
          hasTouch: true,
          geolocation: { ...MACHINE_AT, accuracy: 8 },
          permissions: ['geolocation', 'camera'],
          ignoreHTTPSErrors: true, // the service's self-signed certificate
        }
      : { viewport: { width: 1366, height: 900 } },
  );
  pages.push(w);
  // phones come over HTTPS (camera and location need a secure context off localhost)
  await signIn(w.page, phone ? svc.httpsUrl : svc.url, username, home);
  return w.page;
}

describe('permit desk', () => {
  it('grants the approver 主管领导 authority on the admin screen', async () => {
    const admin = await as('admin-a', '/ui/permits.html');
    await admin.goto(`${svc.url}/ui/admin.html`);
    await admin.locator('button[data-tab="approvers"]').click();
    await admin.selectOption('#authority-approver-a', 'leader');
    await admin.click('#authority-save-approver-a');
    await expect.poll(() => admin.locator('#admin-notice').textContent()).toContain('主管领导');
    await shot(admin, 'authority');
    const r = await api(svc, 'admin-a', 'GET', '/api/approvers/approver-a/authority');
    expect(r.json.authority).toBe('leader');
  });

  it('walks a 特级动火 permit from creation to completion, through a camera fault and a re-test', async () => {
    await ensureCameraOnline(svc, 'cam1');
    const safety = await as('safety-a', '/ui/wall.html');
    const id = await createPermit(safety, {
      kind: 'hot_work',
      level: 'special',
      camera: 'cam1',
      machine: 'M1',
      place: '1号转炉平台',
    });
    expect(await safety.locator('#pd-approve').count()).toBe(0); // not the applicant's button
    await shot(safety, 'hot_work-submitted');

    // the approver lands on 待审批 and approves there
    const approver = await as('approver-a', '/ui/permits.html?state=awaiting_approval');
    const card = approver.locator(`.permit-card[data-permit="${id}"]`);
    await expect.poll(() => card.count()).toBe(1);
    await shot(approver, 'hot_work-awaiting');
    await card.click();
    await approver.click('#pd-approve');
    await expect.poll(() => state(approver)).toBe('已批准');
    await expect.poll(() => approver.locator('#pd-signatures').textContent()).toContain('主管领导');
    await shot(approver, 'hot_work-approved');

    // the guardian: start is refused in words until the measures are confirmed and gas is tested
    const guardian = await as('guardian-a', '/ui/permits.html');
    await guardian.locator(`.permit-card[data-permit="${id}"]`).click();
    await guardian.click('#pd-start');
    await expect.poll(() => guardian.locator('#pd-result').textContent()).toContain('未确认');
    await shot(guardian, 'hot_work-start-refused');
    await confirmAll(guardian);
    await recordGas(guardian, 20.9, 0.1);
    await guardian.click('#pd-start');
    await expect.poll(() => state(guardian)).toBe('作业中');
    await shot(guardian, 'hot_work-started');

    // the welder's phone (390x844) reads the machine's QR: 可以作业 under this permit
    const welder = await as('welder-a', '/ui/phone.html', true);
    await welder.locator('#scan-start').tap();
    // either answer ends the wait; a refusal fails with its reason and code (a CI run once timed out here)
    await welder.locator('#result-accepted, #result-refused').first().waitFor({ timeout: 30_000 });
    if (await welder.locator('#result-refused').count()) {
      await shot(welder, 'hot_work-scan-refused');
      expect.fail(`scan refused: ${await welder.locator('#result-refused').textContent()}`);
    }
    const number = (await api(svc, 'safety-a', 'GET', `/api/permits/${id}`)).json.permit as {
      number: string;
    };
    expect(await welder.locator('#r-permit').textContent()).toBe(number.number);
    expect(welder.url()).toMatch(/^https:/);
    await shot(welder, 'hot_work-phone-scan');

    // the camera drops: the gate suspends the work; the guardian's screen says 暂停 and why, live
    await sim.fault('cam1', 'drop');
    await expect.poll(() => state(guardian), { timeout: 30_000 }).toBe('暂停');
    expect(await guardian.locator('#pd-suspended').textContent()).toMatch(/监控中断：cam1 (离线|卡顿无画面)/);
    await shot(guardian, 'hot_work-camera-fault');
    // …and the welder's phone turns red, with the reason in words
    await welder.locator('#result-stopped.refused').waitFor({ timeout: 5_000 });
    expect(await welder.locator('#r-live-reason').textContent()).toMatch(/监控中断|摄像头/);
    await shot(welder, 'hot_work-phone-suspended');

    // 35 minutes pass (longer than 特级's 30 min): monitoring returns, but work may not resume untested
    offsetMs += 35 * 60_000;
    await sim.fault('cam1', 'restore');
    await waitForHealth(svc, 'cam1', (s) => s === 'online');
    await expect
      .poll(() => guardian.locator('#pd-result').textContent(), { timeout: 20_000 })
      .toContain('恢复作业前须重新进行气体分析');
    expect(await state(guardian)).toBe('暂停');
    // the permit itself says 需复测 from the kind's facts (特级: a break over 30 min), before any refusal
    await expect.poll(() => guardian.locator('#pd-retest').textContent()).toContain('需复测');
    await shot(guardian, 'hot_work-retest-due');
    await guardian.click('#pd-resume');
    await expect
      .poll(() => guardian.locator('#pd-result').textContent())
      .toContain('JH_ERR_PERMIT_GAS_RETEST_REQUIRED');
    await recordGas(guardian, 20.8, 0.1);
    await guardian.click('#pd-resume');
    await expect.poll(() => state(guardian)).toBe('作业中');
    await shot(guardian, 'hot_work-resumed');
    await guardian.click('#pd-complete');
    await expect.poll(() => state(guardian)).toBe('已完工');
    await shot(guardian, 'hot_work-completed');

    // the printed 作业票: fields, QR, gas results, signatures in Beijing time
    const print = await guardian.context().newPage();
    await print.goto(`${svc.url}/ui/permit-print.html?id=${id}`);
    await expect.poll(() => print.locator('#print-signatures tr').count()).toBe(4);
    await expect
      .poll(() => print.locator('#print-qr').evaluate((i: HTMLImageElement) => i.naturalWidth))
      .toBeGreaterThan(0);
    expect(await print.locator('.gas-table tbody tr').count()).toBe(2);
    await print.emulateMedia({ media: 'print' });
    await shot(print, 'hot_work-print');
    await print.close();
  });

  it('walks a 有限空间 permit: the gate names the camera that is down, then work runs to completion', async () => {
    await ensureCameraOnline(svc, 'cam2');
    const safety = await as('safety-a', '/ui/wall.html');
    const id = await createPermit(safety, { kind: 'confined_space', camera: 'cam2', place: '2号钢包' });
    const approver = await as('approver-a', '/ui/permits.html?state=awaiting_approval');
    await approver.locator(`.permit-card[data-permit="${id}"]`).click();
    await approver.click('#pd-approve');
    await expect.poll(() => state(approver)).toBe('已批准');

    const guardian = await as('guardian-a', '/ui/permits.html', true);
    await openPermit(guardian, id);
    await confirmAll(guardian);
    await recordGas(guardian, 20.9, 0.1);
    await sim.fault('cam2', 'drop');
    await waitForHealth(svc, 'cam2', (s) => s !== 'online' && s !== null);
    await guardian.click('#pd-start');
    await expect
      .poll(() => guardian.locator('#pd-result').textContent())
      .toContain('不在线的摄像头：2号 钢包 受限空间入口');
    await shot(guardian, 'confined_space-gate-refused');
    await sim.fault('cam2', 'restore');
    await waitForHealth(svc, 'cam2', (s) => s === 'online');
    // the page re-renders on camera.healthChanged and the gate may read the camera a moment after the
    // health API: as a guardian would, press 开始作业 again until the work starts
    await expect
      .poll(
        async () => {
          if ((await state(guardian)) === '已批准')
            await guardian.click('#pd-start', { timeout: 2000 }).catch(() => {});
          return state(guardian);
        },
        { timeout: 20_000, interval: 1000 },
      )
      .toBe('作业中');
    await shot(guardian, 'confined_space-started');
    await guardian.fill('#pd-suspend-reason', '通风设备检修');
    await guardian.click('#pd-suspend');
    await expect.poll(() => state(guardian)).toBe('暂停');
    expect(await guardian.locator('#pd-suspended').textContent()).toContain('通风设备检修');
    await guardian.click('#pd-resume');
    await expect.poll(() => state(guardian)).toBe('作业中');
    await guardian.click('#pd-complete');
    await expect.poll(() => state(guardian)).toBe('已完工');
    await shot(guardian, 'confined_space-completed');

    // the board: both permits in 已完工
    await guardian.goto(`${originOf(guardian)}/ui/permits.html`);
    await expect
      .poll(() => guardian.locator('.board-col[data-state="completed"] .permit-card').count())
      .toBe(2);
    await shot(guardian, 'board');
    for (const w of pages) expect(w.errors.filter((e) => !e.includes('409'))).toEqual([]);
  });
});
