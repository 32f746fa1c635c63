import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFullTestService } from '../helpers/test-service.ts';

/**
 * #23's smaller web findings, tried as the attacker did: /metrics read from the plant network without
 * credentials listed every camera; answers had no X-Content-Type-Options; a 404 on PATCH
 * /api/users/:id of another tenant named that tenant's enterprise.
 */
let t: Awaited<ReturnType<typeof startFullTestService>>;
let t2: Awaited<ReturnType<typeof startFullTestService>>;
const TOKEN = 'scrape-token-0123456789abcdef';
/** This machine's own non-loopback address (e.g. eth0): a peer on the plant network, for real. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

beforeAll(async () => {
  const cameras = [{ id: 'cam-secret-name', name: '炼钢一号', url: 'rtsp://127.0.0.1:1/a1' }];
  const sites = [{ id: 'site-a', name: '甲', enterpriseId: 'ent-a', cameras }];
  // listening on every interface, as a plant install behind no proxy would
  t = await startFullTestService({
    extra: { server: { host: '0.0.0.0', port: 0, logLevel: 'silent' }, sites },
  });
  t2 = await startFullTestService({
    extra: { server: { port: 0, logLevel: 'silent', metricsToken: TOKEN }, sites },
  });
});
afterAll(async () => {
  await t?.close();
  await t2?.close();
});

const port = (s: typeof t) => (s.app.server.address() as { port: number }).port;

describe('/metrics is not for the plant network', () => {
  it('refuses a peer on another address over real TCP, and answers loopback', async () => {
    const inject = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' });
    expect(inject.statusCode).toBe(403);
    expect(inject.json()).toMatchObject({ code: 'JH_ERR_METRICS_REFUSED' });
    expect(inject.body).not.toContain('cam-secret-name');
    expect(lanAddress, 'this test needs a non-loopback interface').toBeDefined();
    const lan = await fetch(`http://${lanAddress}:${port(t)}/metrics`);
    expect(lan.status).toBe(403);
    expect(await lan.text()).not.toContain('cam-secret-name');
    const local = await fetch(`http://127.0.0.1:${port(t)}/metrics`);
    expect(local.status).toBe(200);
    expect(await local.text()).toContain('cam-secret-name');
  });

  it('with server.metricsToken, wants the token even from loopback', async () => {
    const url = `http://127.0.0.1:${port(t2)}/metrics`;
    expect((await fetch(url)).status).toBe(403);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(
      403,
    );
    const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
  });
});

describe('answers', () => {
  it('carry X-Content-Type-Options: nosniff on JSON, errors, 404s, pages and metrics', async () => {
    const admin = await t.login('admin-a');
    for (const [url, headers] of [
      ['/healthz', {}],
      ['/api/me', { authorization: admin }],
      ['/api/me', {}],
      ['/no/such/route', {}],
      ['/ui/', {}],
      ['/metrics', {}],
    ] as const) {
      const res = await fetch(`http://127.0.0.1:${port(t)}${url}`, { headers });
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
    }
  });

  it('a PATCH on another tenant’s user answers exactly like a missing user', async () => {
    const adminA = await t.login('admin-a');
    const adminB = await t.login('admin-b');
    const bUsers = (
      await t.app.inject({ method: 'GET', url: '/api/users', headers: { authorization: adminB } })
    ).json() as {
      userId: number;
    }[];
    const patch = async (id: number) =>
      t.app.inject({
        method: 'PATCH',
        url: `/api/users/${id}`,
        headers: { authorization: adminA },
        payload: { disabled: true },
      });
    const other = await patch(bUsers[0]!.userId);
    const missing = await patch(999_999);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('ent-b');
    expect(other.body).toBe(missing.body);
  });
});
