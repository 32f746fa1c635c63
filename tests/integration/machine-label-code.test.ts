import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_MIN_PX } from '../../src/work/machines/machine-label.ts';
import {
  MACHINE_AT,
  call,
  decodeQr,
  scanAtMachine,
  startPermitsHarness,
  type PermitsHarness,
} from './permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

/**
 * #21, phones over the plant LAN: the machine's label is a QR of the scan page's HTTPS address (so a
 * phone's own camera app opens it) at least 50 mm at 300 dpi, with the machine code printed under it;
 * a welder may type that code instead of scanning, and every other check of a scan still applies.
 */
const MIN = 60_000;
let h: PermitsHarness;
let label: string;

const iso = (ms: number) => new Date(ms).toISOString();
const scan = (over: Record<string, unknown>) =>
  call(h, 'welder-a', 'POST', '/api/scan', scanAtMachine(h, over));

beforeAll(async () => {
  h = await startPermitsHarness();
  for (const [user, id, siteId] of [
    ['admin-a', 'WM-07', 'site-a'],
    ['admin-b', 'WM-B1', 'site-b'],
  ] as const) {
    const m = await call(h, user, 'POST', '/api/machines', {
      id,
      name: '7号焊机',
      siteId,
      ...(siteId === 'site-a' ? { cameraId: 'cam-weld' } : {}),
      ...MACHINE_AT,
    });
    expect(m.status).toBe(201);
  }
});
afterAll(async () => h?.close());

describe('the machine label', () => {
  it('is a QR of the HTTPS scan page with the token in the fragment, ≥ 591 px wide', async () => {
    const png = await h.app.inject({
      method: 'GET',
      url: '/api/machines/WM-07/qr.png',
      headers: { authorization: await h.login('admin-a') },
    });
    expect(png.statusCode).toBe(200);
    const { data, info } = await sharp(png.rawPayload)
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.width).toBeGreaterThanOrEqual(LABEL_MIN_PX);
    expect(LABEL_MIN_PX).toBe(591); // 50 mm at 300 dpi
    const decoded = decodeQr(new Uint8ClampedArray(data), info.width, info.height);
    label = decoded!.data;
    const base = h.services.tls.publicBaseUrl();
    expect(base).toMatch(/^https:\/\//);
    expect(label.startsWith(`${base}/ui/phone.html#m=JH1.WM-07.1.`)).toBe(true);
    // the QR alone (square, above the printed code) is itself ≥ 591 px: the width of the image
    expect(info.height).toBeGreaterThan(info.width);
  });
});

describe('a typed machine code', () => {
  beforeAll(async () => {
    const cert = await call(h, 'safety-a', 'POST', '/api/certificates', {
      username: 'welder-a',
      number: 'T140525198801011234',
      issuedAt: iso(h.clock.now() - 365 * 24 * 60 * MIN),
      expiresAt: iso(h.clock.now() + 2 * 365 * 24 * 60 * MIN),
    });
    expect(cert.status).toBe(201);
    const body = permitBody(
      h.clock.now(),
      {
        location: '2号转炉平台',
        description: '更换烟道法兰',
        machineIds: ['WM-07'],
        measures: ['清除10米内可燃物'],
      },
      4 * 60 * MIN,
    );
    const p = await call(h, 'safety-a', 'POST', '/api/permits', body);
    expect(p.status).toBe(201);
    const id = p.body.id as string;
    await call(h, 'safety-a', 'POST', `/api/permits/${id}/submit`);
    await call(h, 'admin-a', 'PUT', '/api/approvers/approver-a/authority', { authority: 'leader' });
    expect((await call(h, 'approver-a', 'POST', `/api/permits/${id}/approve`)).status).toBe(200);
    await call(h, 'guardian-a', 'POST', `/api/permits/${id}/gas-tests`, {
      analyst: '王分析',
      o2Pct: 20.9,
      combustiblePct: 0.1,
    });
    for (const i of [0, 1]) await call(h, 'guardian-a', 'POST', `/api/permits/${id}/measures/${i}/confirm`);
    h.health('cam-weld', 'online');
  });

  it('keeps the location rule: typed far from the machine is refused', async () => {
    const far = await scan({ code: 'WM-07', lat: MACHINE_AT.lat + 0.01 });
    expect(far.body.code).toBe('JH_ERR_SCAN_TOO_FAR');
  });

  it('refuses an unknown code, another enterprise’s machine, and neither or both of qr and code', async () => {
    expect((await scan({ code: 'WM-99' })).body.code).toBe('JH_ERR_SCAN_CODE_UNKNOWN');
    expect((await scan({ code: 'WM-B1' })).body.code).toBe('JH_ERR_SCAN_CODE_UNKNOWN');
    expect((await scan({})).body.code).toBe('JH_ERR_SCAN_QR_OR_CODE');
    expect((await scan({ code: 'WM-07', qr: label })).body.code).toBe('JH_ERR_SCAN_QR_OR_CODE');
  });

  it('counts as the scan for the welder at the machine (any case), and the record says it was typed', async () => {
    const ok = await scan({ code: ' wm-07 ' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ machineId: 'WM-07' });
    expect(ok.body.warnings).toContain('typed_code 手输焊机编号');
    const scans = await call(h, 'safety-a', 'GET', '/api/machines/WM-07/scans?limit=10');
    const last = (scans.body as unknown as { result: string; warnings: string[] }[])[0]!;
    expect(last.result).toBe('accepted');
    expect(last.warnings).toContain('typed_code 手输焊机编号');
    // the label's whole URL is a scan too (what the in-page scanner reads)
    const byLabel = await scan({ qr: label });
    expect(byLabel.status, JSON.stringify(byLabel.body)).toBe(200);
    expect(byLabel.body.warnings).not.toContain('typed_code 手输焊机编号');
  });

  it('is refused once the machine’s label is revoked', async () => {
    await call(h, 'admin-a', 'POST', '/api/machines/WM-07/qr/revoke');
    expect((await scan({ code: 'WM-07' })).body.code).toBe('JH_ERR_SCAN_TOKEN_REVOKED');
  });
});
