import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import { SHOTS, canvasSignature, launchChromium, meanAbsDiff, openPage, signIn } from './browser.ts';
import {
  api,
  ensureCameraOnline,
  readyPermit,
  raiseNoHelmet,
  startE2EService,
  type E2EService,
} from './harness.ts';

// 安全员 live wall against the real service and streams-sim (real RTSP): live video, a violation
// pushed live through the real pipeline (scripted detections stand in for the models), confirm.
let sim: Sim;
let svc: E2EService;
let browser: Browser;

const W = 640;
const H = 360;
/** One real RGB frame from the simulated camera, for the violation snapshot. */
function grabFrame(url: string): Buffer {
  return execFileSync(
    'ffmpeg',
    [
      '-loglevel',
      'error',
      '-rtsp_transport',
      'tcp',
      '-i',
      url,
      '-frames:v',
      '1',
      '-vf',
      `scale=${W}:${H}`,
      '-pix_fmt',
      'rgb24',
      '-f',
      'rawvideo',
      'pipe:1',
    ],
    { maxBuffer: W * H * 4, timeout: 15_000 },
  );
}

beforeAll(async () => {
  sim = await startSim({ cameras: ['cam1', 'cam2'], port: 0 });
  svc = await startE2EService(
    [
      { id: 'cam1', name: '1号转炉平台 动火点', url: sim.url('cam1') },
      { id: 'cam2', name: '2号 钢包 受限空间入口', url: sim.url('cam2') },
    ],
    { evidence: { clips: false } },
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
  await sim?.stop();
});

describe('安全员 live wall', () => {
  it('plays every camera live, shows a violation as it happens, and confirms it', async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    // the browser's notifications, granted and recorded (headless Chromium shows none)
    await page.addInitScript(() => {
      const shown: string[] = [];
      (window as unknown as { shownNotifications: string[] }).shownNotifications = shown;
      class RecordedNotification {
        static permission = 'granted';
        static requestPermission = () => Promise.resolve('granted');
        constructor(title: string, opts?: { body?: string }) {
          shown.push(`${title}|${opts?.body ?? ''}`);
        }
      }
      (window as unknown as { Notification: unknown }).Notification = RecordedNotification;
    });
    await signIn(page, svc.url, 'safety-a', '/ui/wall.html');
    await expect.poll(() => page.locator('.tile').count()).toBe(2);

    // Live video (MSE <video> or the MPEG-1 canvas): decoded pixels change between two screenshots.
    await page.waitForTimeout(4000);
    const before = await Promise.all(
      ['cam1', 'cam2'].map((c) => canvasSignature(page, `#tile-${c} .live-view`)),
    );
    await page.waitForTimeout(1500);
    const after = await Promise.all(
      ['cam1', 'cam2'].map((c) => canvasSignature(page, `#tile-${c} .live-view`)),
    );
    for (const i of [0, 1]) {
      expect(meanAbsDiff(before[i]!, after[i]!), `tile ${i} pixels changed`).toBeGreaterThan(0.5);
      expect(Math.max(...after[i]!), `tile ${i} is not black`).toBeGreaterThan(40);
    }
    await page.screenshot({ path: `${SHOTS}/wall-live.png` });

    // A person without a hard hat on cam2, through the real tracker → rules → violations pipeline.
    await raiseNoHelmet(svc, 'cam2', { data: grabFrame(sim.url('cam2')), width: W, height: H });

    const card = page.locator('.vio[data-camera="cam2"]').first();
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => card.locator('.vio-rule').textContent()).toBe('未戴安全帽');
    await expect.poll(() => card.locator('.snap img').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => card.locator('.snap .box').count(), { timeout: 20_000 }).toBe(1);
    // the camera with an open violation rises to the top, outlined
    await expect.poll(() => page.locator('.tile').first().getAttribute('id')).toBe('tile-cam2');
    expect(await page.locator('#tile-cam2').getAttribute('class')).toContain('flagged');
    await page.screenshot({ path: `${SHOTS}/wall-violation.png` });

    await card.getByRole('button', { name: '确认违章' }).click();
    await expect.poll(() => card.getAttribute('data-review')).toBe('confirmed');
    await expect.poll(() => page.locator('#tile-cam2').getAttribute('class')).not.toContain('flagged');
    const id = Number((await card.getAttribute('id'))!.slice('vio-'.length));
    expect(svc.service.services.supervision.violations!.byId(id)?.review).toBe('confirmed');
    // 派单整改: the confirmed violation becomes a hazard in the closed loop (登记).
    await card.getByRole('button', { name: '派单整改' }).click();
    await expect.poll(() => card.locator('.notice.ok').textContent()).toMatch(/已派单整改，隐患编号 \d+/);
    const hazards = (await api(svc, 'safety-a', 'GET', '/api/hazards?enterprise=ent-a')).json.items as {
      violationId: string | null;
      state: string;
    }[];
    expect(hazards.find((x) => x.violationId === String(id))?.state).toBe('registered');
    // a second click on 派单整改 answers the same hazard: one violation, one hazard
    const firstNo = (await card.locator('.notice.ok').textContent())!.match(/\d+$/)![0];
    await card.getByRole('button', { name: '派单整改' }).click();
    await expect
      .poll(() => card.locator('.notice.ok').textContent())
      .toMatch(new RegExp(`隐患编号 ${firstNo}$`));
    const again = (await api(svc, 'safety-a', 'GET', '/api/hazards?enterprise=ent-a')).json.items as {
      violationId: string | null;
    }[];
    expect(again.filter((x) => x.violationId === String(id))).toHaveLength(1);
    await page.screenshot({ path: `${SHOTS}/wall-confirmed.png` });

    // Camera health from ingest: both online. A permit works on cam1 (作业中 on its tile); the camera
    // drops: offline, rises to the top, outlined, and the gate suspends the permit (暂停 and why).
    await expect
      .poll(() => page.locator('#tile-cam1 .health').textContent(), { timeout: 20_000 })
      .toBe('在线');
    await ensureCameraOnline(svc, 'cam1');
    const permit = await readyPermit(svc, { cameraId: 'cam1' });
    expect((await api(svc, 'guardian-a', 'POST', `/api/permits/${permit.id}/start`)).json.state).toBe(
      'active',
    );
    const line = page.locator(`#tile-cam1 .permit-line[data-permit="${permit.id}"]`);
    await expect.poll(() => line.textContent(), { timeout: 10_000 }).toContain('作业中');
    expect(await line.textContent()).toContain(permit.number);
    await sim.fault('cam1', 'drop');
    await expect
      .poll(() => page.locator('#tile-cam1 .health').textContent(), { timeout: 30_000 })
      .not.toBe('在线');
    await expect.poll(() => page.locator('.tile').first().getAttribute('id')).toBe('tile-cam1');
    expect(await page.locator('#tile-cam1').getAttribute('class')).toContain('flagged');
    await expect.poll(() => line.textContent(), { timeout: 10_000 }).toContain('暂停');
    // why, in words: not the service's own code
    expect(await line.textContent()).toMatch(/监控中断：cam1 (离线|卡顿无画面)/);
    expect(await line.textContent()).not.toContain('monitoring_lost');
    // the wall hears it as a site alert too: high, in words, with a browser notification
    const alert = page.locator('#site-alerts .alert.high[data-type="permit.suspended"]').first();
    await expect.poll(() => alert.count(), { timeout: 10_000 }).toBe(1);
    expect(await alert.textContent()).toContain(`作业票 ${permit.number}`);
    await expect
      .poll(() =>
        page.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications),
      )
      .toContainEqual(expect.stringContaining(`作业票 ${permit.number}`));
    await page.screenshot({ path: `${SHOTS}/wall-camera-fault.png` });
    await sim.fault('cam1', 'restore');
    expect(errors).toEqual([]);
  });
});
