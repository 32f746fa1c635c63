import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS } from '../../src/platform/auth/permissions.ts';
import { decodeQr, call, startPermitsHarness, type PermitsHarness } from './permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

// What the permit desk pages read besides the permits themselves: the role's permissions (which
// buttons to offer), an approver's authority (the admin tab), the service's clock on a permit (the
// re-test countdown) and the printed form's QR (the permit's page, tenancy-checked).
let h: PermitsHarness;
let permitId = '';
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  h = await startPermitsHarness();
  const now = h.clock.now();
  const body = permitBody(
    now,
    { kind: 'confined_space', location: '2号储罐', cameraIds: ['cam-tank'], measures: ['强制通风'] },
    4 * 3_600_000,
  );
  const p = await call(h, 'safety-a', 'POST', '/api/permits', body);
  expect(p.status).toBe(201);
  permitId = p.body.id as string;
});
afterAll(async () => h?.close());

describe('permit desk API', () => {
  it('GET /api/me lists exactly the role’s permissions', async () => {
    for (const [user, role] of [
      ['approver-a', 'approver'],
      ['guardian-a', 'guardian'],
      ['welder-a', 'welder'],
    ] as const) {
      const me = await call(h, user, 'GET', '/api/me');
      expect(me.body.permissions).toEqual([...ROLE_PERMISSIONS[role]]);
    }
    const approver = (await call(h, 'approver-a', 'GET', '/api/me')).body.permissions as string[];
    expect(approver).toContain('permit:approve');
    expect(approver).not.toContain('permit:create');
  });

  it('GET /api/approvers/:username/authority: null until granted, then the grant; own enterprise only', async () => {
    const path = '/api/approvers/approver-a/authority';
    expect((await call(h, 'admin-a', 'GET', path)).body).toEqual({ authority: null });
    expect((await call(h, 'admin-a', 'PUT', path, { authority: 'leader' })).status).toBe(204);
    expect((await call(h, 'admin-a', 'GET', path)).body).toEqual({ authority: 'leader' });
    const other = await call(h, 'admin-b', 'GET', path);
    expect([other.status, other.body.code]).toEqual([400, 'JH_ERR_PERMIT_BAD_APPROVER']);
    const notApprover = await call(h, 'admin-a', 'GET', '/api/approvers/guardian-a/authority');
    expect(notApprover.body.code).toBe('JH_ERR_PERMIT_BAD_APPROVER');
    expect((await call(h, 'safety-a', 'GET', path)).status).toBe(403); // no user:read
  });

  it('a permit’s detail carries the service’s clock', async () => {
    h.clock.advance(90_000);
    const d = await call(h, 'guardian-a', 'GET', `/api/permits/${permitId}`);
    expect(d.body.serverTime).toBe(iso(h.clock.now()));
  });

  it('the printed form’s QR opens the permit’s page; another enterprise gets 404', async () => {
    const res = await h.app.inject({
      url: `/api/ui/permit-qr/${permitId}`,
      headers: { authorization: await h.login('guardian-a'), host: 'plant.example:8443' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('image/svg+xml');
    // rasterise the SVG and read it back as a phone would
    const sharp = (await import('sharp')).default;
    const { data, info } = await sharp(Buffer.from(res.body))
      .resize(400, 400)
      .flatten({ background: '#fff' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const read = decodeQr(new Uint8ClampedArray(data), info.width, info.height);
    expect(read?.data).toBe(`http://plant.example:8443/ui/permits.html#p/${permitId}`);
    const other = await h.app.inject({
      url: `/api/ui/permit-qr/${permitId}`,
      headers: { authorization: await h.login('safety-b') },
    });
    expect(other.statusCode).toBe(404);
  });
});
