import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import {
  SHOTS,
  api,
  ensureCameraOnline,
  launchChromium,
  openPage,
  readyPermit,
  signIn,
  startE2EService,
  type E2EService,
} from './harness.ts';

// 焊工 phone page on a phone-sized viewport: Chromium's fake camera plays a video made from the
// machine's real QR label (GET /api/machines/:id/qr.png); the page decodes it with jsQR and posts the
// scan with the phone's location. First refused (no certificate), then accepted (可以作业).
const MACHINE_AT = { latitude: 35.4901, longitude: 112.8512 };
let sim: Sim;
let svc: E2EService;
let browser: Browser;

const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  sim = await startSim({ cameras: ['cam1'], port: 0 });
  svc = await startE2EService([{ id: 'cam1', name: '1号转炉平台 动火点', url: sim.url('cam1') }], {
    evidence: { clips: false },
  });
  const m = await api(svc, 'admin-a', 'POST', '/api/machines', {
    id: 'M1',
    name: '1号焊机',
    siteId: 'site-a',
    cameraId: 'cam1',
    lat: MACHINE_AT.latitude,
    lon: MACHINE_AT.longitude,
  });
  expect(m.status).toBe(201);
  const png = await api(svc, 'admin-a', 'GET', '/api/machines/M1/qr.png');
  const pngPath = join(svc.dir, 'qr.png');
  writeFileSync(pngPath, png.raw);
  // The label as a phone camera would see it: on a white page, 640x480, a few frames Chromium loops.
  const y4m = join(svc.dir, 'qr.y4m');
  execFileSync('ffmpeg', [
    '-y',
    '-loglevel',
    'error',
    '-loop',
    '1',
    '-i',
    pngPath,
    '-vf',
    'scale=300:300,pad=640:480:170:90:white,format=yuv420p',
    '-r',
    '10',
    '-frames:v',
    '10',
    y4m,
  ]);
  browser = await launchChromium({ fakeVideo: y4m });
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
  await sim?.stop();
});

async function phone(): Promise<{ page: Page; errors: string[] }> {
  const w = await openPage(browser, {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    geolocation: { ...MACHINE_AT, accuracy: 8 },
    permissions: ['geolocation', 'camera'],
  });
  await signIn(w.page, svc.url, 'welder-a', '/ui/phone.html');
  return w;
}

describe('焊工 phone scan', () => {
  it('reads the QR with the phone camera and shows the exact refusal: no certificate', async () => {
    const { page, errors } = await phone();
    const button = page.locator('#scan-start');
    const box = await button.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(48); // a large touch target
    await button.tap();
    await page.locator('#result-refused').waitFor({ timeout: 20_000 });
    expect(await page.locator('#result-refused h2').textContent()).toBe('不得作业');
    expect(await page.locator('#r-reason').textContent()).toBe(
      '未登记有效的焊接与热切割作业操作证，不得动火。',
    );
    await page.screenshot({ path: `${SHOTS}/phone-refused.png`, fullPage: true });
    expect(errors.filter((e) => !e.includes('403'))).toEqual([]);
  });

  it('accepts the certified welder with an approved permit: 可以作业 with permit, guardian and camera', async () => {
    const now = Date.now();
    expect(
      (
        await api(svc, 'safety-a', 'POST', '/api/certificates', {
          username: 'welder-a',
          number: 'T140525198801011234',
          issuedAt: iso(now - 365 * 86_400_000),
          expiresAt: iso(now + 2 * 365 * 86_400_000),
        })
      ).status,
    ).toBe(201);
    const permit = await readyPermit(svc, { cameraId: 'cam1', machineIds: ['M1'] });
    await ensureCameraOnline(svc, 'cam1');

    const { page, errors } = await phone();
    await page.locator('#scan-start').tap();
    await page.locator('#result-accepted').waitFor({ timeout: 20_000 });
    expect(await page.locator('#result-accepted h2').textContent()).toBe('可以作业');
    expect(await page.locator('#r-permit').textContent()).toBe(permit.number);
    expect(await page.locator('#r-guardian').textContent()).toBe('guardian-a');
    expect(await page.locator('#r-camera').textContent()).toBe('1号转炉平台 动火点');
    await page.screenshot({ path: `${SHOTS}/phone-accepted.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
});
