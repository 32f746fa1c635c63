import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MACHINE_AT,
  addMachine,
  call,
  scanAtMachine,
  startPermitsHarness,
  type PermitsHarness,
} from './permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

/**
 * Hot-work refusals that need none of the day's story (permits-hot-work-day.test.ts): a permit window or
 * binding the rules refuse at creation, night work escalated, and a scan on an expired permit or with a
 * rotated label. welder-a holds a valid card; machine M1 stands at MACHINE_AT.
 */
const MIN = 60_000;
let h: PermitsHarness;

const scan = (qr: string) => call(h, 'welder-a', 'POST', '/api/scan', scanAtMachine(h, { qr }));

beforeAll(async () => {
  h = await startPermitsHarness();
  expect((await addMachine(h, 'M1', '1号焊机')).status).toBe(201);
  // the approver the day's story ends with (its authority is part of that story's checks)
  await call(h, 'admin-a', 'PUT', '/api/approvers/approver-a/authority', { authority: 'safety_dept' });
});
afterAll(async () => h?.close());

describe('hot-work refusals apart from the day', () => {
  it('refuses a window longer than the level allows, and escalates night work', async () => {
    const body = (over: Record<string, unknown>, validForMs = 60 * MIN) =>
      permitBody(h.clock.now(), { location: '转炉平台', guardian: undefined, ...over }, validForMs);
    const foreign = await call(
      h,
      'safety-b',
      'POST',
      '/api/permits',
      body({ siteId: 'site-b', cameraIds: [], workers: [], machineIds: ['M1'] }),
    );
    expect(foreign.body.code).toBe('JH_ERR_PERMIT_UNKNOWN_BINDING');
    const far = await call(
      h,
      'safety-a',
      'POST',
      '/api/permits',
      body({ machineIds: ['M1'], workPoint: { lat: MACHINE_AT.lat + 0.0002, lon: MACHINE_AT.lon } }), // ≈ 22 m
    );
    expect(far.body).toMatchObject({ code: 'JH_ERR_PERMIT_MACHINE_TOO_FAR', details: { distanceM: 22 } });
    const long = await call(h, 'safety-a', 'POST', '/api/permits', body({ level: 'level1' }, 9 * 60 * MIN));
    expect(long.body.code).toBe('JH_ERR_PERMIT_VALIDITY_TOO_LONG');
    // 22:00–23:00 Beijing = 14:00–15:00 UTC: 二级 becomes 一级 at night
    const night = await call(
      h,
      'safety-a',
      'POST',
      '/api/permits',
      body({ validFrom: '2026-01-05T14:00:00Z', validTo: '2026-01-05T15:00:00Z' }),
    );
    expect(night.status).toBe(201);
    expect(night.body).toMatchObject({
      requestedLevel: 'level2',
      level: 'level1',
      escalatedBecause: ['night'],
    });
  });

  it('refuses a scan on an expired permit, and a rotated label', async () => {
    await addMachine(h, 'M2', '2号焊机');
    const body = permitBody(h.clock.now(), { location: '料场', machineIds: ['M2'] }, 60 * MIN);
    const p = await call(h, 'safety-a', 'POST', '/api/permits', body);
    await call(h, 'safety-a', 'POST', `/api/permits/${p.body.id}/submit`);
    expect((await call(h, 'approver-a', 'POST', `/api/permits/${p.body.id}/approve`)).body.state).toBe(
      'approved',
    );
    const qr2 = h.mod.machines.qrToken(null, 'M2');
    h.clock.advance(2 * 60 * MIN);
    expect((await scan(qr2)).body.code).toBe('JH_ERR_SCAN_PERMIT_EXPIRED');
    expect((await call(h, 'safety-a', 'GET', `/api/permits/${p.body.id}`)).body.permit).toMatchObject({
      state: 'expired',
    });
    await call(h, 'admin-a', 'POST', '/api/machines/M2/qr/rotate');
    expect((await scan(qr2)).body.code).toBe('JH_ERR_SCAN_TOKEN_REVOKED');
  });
});
