import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { TEST_PASSWORD } from '../helpers/test-service.ts';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import { decodeQr } from '../integration/permits-harness.ts';
import { SHOTS, labelAsCameraVideo, launchChromium, openPage, signIn } from './browser.ts';
import { api, ensureCameraOnline, readyPermit, startE2EService, type E2EService } from './harness.ts';

// 焊工 phone page on a phone-sized viewport: Chromium's fake camera plays a video made from the
// machine's real QR label (GET /api/machines/:id/qr.png); the page decodes it with jsQR and posts the
// scan with the phone's location. First refused (no certificate), then accepted (可以作业).
const MACHINE_AT = { latitude: 35.4901, longitude: 112.8512 };
let sim: Sim;
let svc: E2EService;
let browser: Browser;
let permitId = '';
let labelUrl = '';
// A plant host name, not localhost: only HTTPS makes it a secure context (camera access).
const PLANT_HOST = 'jianhu.plant.test';

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
  const y4m = labelAsCameraVideo(png.raw, svc.dir);
  const { data, info } = await sharp(png.raw).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  labelUrl = decodeQr(new Uint8ClampedArray(data), info.width, info.height)!.data;
  browser = await launchChromium({
    fakeVideo: y4m,
    args: [`--host-resolver-rules=MAP ${PLANT_HOST} 127.0.0.1`],
  });
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
    permitId = permit.id;
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

describe('phones over the plant LAN (HTTPS, #21)', () => {
  const plant = () => svc.httpsUrl.replace('127.0.0.1', PLANT_HOST);
  const onPhone = (username: string, home: string) =>
    openPage(browser, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      geolocation: { ...MACHINE_AT, accuracy: 8 },
      permissions: ['geolocation', 'camera'],
      ignoreHTTPSErrors: true, // the service's self-signed certificate
    }).then(async (w) => {
      await signIn(w.page, plant(), username, home);
      return w;
    });

  it('is a secure context with the camera API by a plant host name over HTTPS, not over HTTP', async () => {
    const { page, errors } = await onPhone('welder-a', '/ui/phone.html');
    const secure = await page.evaluate(() => ({
      secure: window.isSecureContext,
      camera: typeof navigator.mediaDevices?.getUserMedia,
    }));
    expect(secure).toEqual({ secure: true, camera: 'function' });
    await page.goto(`${svc.url.replace('127.0.0.1', PLANT_HOST)}/ui/`);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    expect(errors).toEqual([]);
  });

  it('the welder types the machine code: 可以作业, then red with the reason when suspended, green when resumed', async () => {
    expect(permitId).not.toBe('');
    const welder = await onPhone('welder-a', '/ui/phone.html');
    const guardian = await onPhone('guardian-a', '/ui/permits.html');
    await guardian.page.goto(`${plant()}/ui/phone.html`);
    const tile = guardian.page.locator(`[data-permit="${permitId}"]`);
    await tile.locator('h2', { hasText: '可以作业' }).waitFor({ timeout: 10_000 });

    const page = welder.page;
    await page.fill('#machine-code', 'm1');
    await page.locator('#code-submit').tap();
    await page.locator('#result-accepted').waitFor({ timeout: 20_000 });
    expect(await page.locator('#result-accepted h2').textContent()).toBe('可以作业');
    expect(await page.locator('#result-accepted').textContent()).toContain('手输焊机编号');
    await page.screenshot({ path: `${SHOTS}/phone-https-typed-accepted.png`, fullPage: true });

    const reason = '动火点下方发现油污，清理后再作业';
    const suspended = await api(svc, 'guardian-a', 'POST', `/api/permits/${permitId}/suspend`, { reason });
    expect(suspended.status).toBe(200);
    // the phone follows the permit over socket.io: red with the reason within 2 s
    await page.locator('#result-stopped.refused').waitFor({ timeout: 2_000 });
    expect(await page.locator('#result-stopped h2').textContent()).toBe('暂停作业');
    expect(await page.locator('#r-live-reason').textContent()).toBe(reason);
    await tile.locator('h2', { hasText: '暂停作业' }).waitFor({ timeout: 2_000 });
    expect(await tile.locator('.live-reason').textContent()).toBe(reason);
    await page.screenshot({ path: `${SHOTS}/phone-https-suspended.png`, fullPage: true });
    await guardian.page.screenshot({ path: `${SHOTS}/phone-guardian-suspended.png`, fullPage: true });

    const resumed = await api(svc, 'guardian-a', 'POST', `/api/permits/${permitId}/resume`);
    expect(resumed.status, JSON.stringify(resumed.json)).toBe(200);
    await page.locator('#result-accepted h2', { hasText: '可以作业' }).waitFor({ timeout: 2_000 });
    await tile.locator('h2', { hasText: '可以作业' }).waitFor({ timeout: 2_000 });
    expect(welder.errors).toEqual([]);
    expect(guardian.errors).toEqual([]);
  });

  it('shows the admin the SHA-256 fingerprint of the certificate the phones are served', async () => {
    const w = await openPage(browser, { ignoreHTTPSErrors: true });
    await signIn(w.page, plant(), 'admin-a', '/ui/permits.html');
    await w.page.goto(`${plant()}/ui/admin.html`);
    await w.page.locator('.tls-panel summary').click();
    const shown = await w.page.locator('#tls-fingerprint').textContent();
    // the certificate the HTTPS server holds (https-serving.test.ts checks it is the one served)
    const held = new X509Certificate(svc.service.services.tls.credentials!.cert);
    expect(shown).toBe(held.fingerprint256);
    await w.page.screenshot({ path: `${SHOTS}/admin-tls.png`, fullPage: true });
    expect(w.errors).toEqual([]);
  });

  it('opens from the label link (a phone camera app) and scans it once signed in', async () => {
    const link = `${plant()}/ui/phone.html${new URL(labelUrl).hash}`;
    const w = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      geolocation: { ...MACHINE_AT, accuracy: 8 },
      permissions: ['geolocation'],
      ignoreHTTPSErrors: true,
    });
    await w.page.goto(link); // no session yet: sign-in first, the token waits
    await w.page.waitForURL('**/ui/');
    await w.page.fill('#username', 'welder-a');
    await w.page.fill('#password', TEST_PASSWORD);
    await w.page.click('#login-submit');
    await w.page.locator('#result-accepted').waitFor({ timeout: 20_000 });
    expect(await w.page.locator('#r-permit').count()).toBe(1);
    expect(w.page.url()).not.toContain('#m='); // a reload does not scan again
    expect(w.errors).toEqual([]);
  });
});
