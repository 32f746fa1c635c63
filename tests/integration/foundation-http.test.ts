import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

let t: TestService;
const clock = new FakeClock(Date.UTC(2026, 10, 2, 8, 0, 0));

beforeAll(async () => {
  t = await startTestService({ clock });
});
afterAll(async () => {
  await t.close();
});

describe('HTTP foundation', () => {
  it('answers /healthz and /metrics without sign-in', async () => {
    const h = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(h.statusCode).toBe(200);
    expect(h.json()).toMatchObject({ status: 'ok', components: { store: { ok: true } } });
    const m = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(m.statusCode).toBe(200);
    expect(m.body).toContain('jianhu_http_requests_total');
  });

  it('gives coded 4xx JSON for unknown routes, bad JSON, schema violations and oversized bodies', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      code: 'JH_ERR_HTTP_ROUTE_NOT_FOUND',
      messageZh: expect.any(String),
    });

    const badJson = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().code).toBe('JH_ERR_HTTP_BAD_JSON');

    const schema = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'x', password: 'y', extra: 1 },
    });
    expect(schema.statusCode).toBe(400);
    expect(schema.json().code).toBe('JH_ERR_HTTP_VALIDATION');

    const big = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'x', password: 'y'.repeat(2 * 1024 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('JH_ERR_HTTP_BODY_TOO_LARGE');
  });

  it('lists every route in the OpenAPI document at /docs', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, unknown>;
    };
    for (const path of [
      '/healthz',
      '/metrics',
      '/api/auth/login',
      '/api/me',
      '/api/enterprises',
      '/api/enterprises/{id}',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});

describe('authentication and tenancy', () => {
  it('refuses a wrong password and an absent or bogus token with 401 codes', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'safety-a', password: 'nope' },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('JH_ERR_AUTH_BAD_CREDENTIALS');
    expect((await t.app.inject({ method: 'GET', url: '/api/me' })).json().code).toBe('JH_ERR_AUTH_MISSING');
    const bogus = await t.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: 'Bearer abc' },
    });
    expect(bogus.statusCode).toBe(401);
    expect(bogus.json().code).toBe('JH_ERR_AUTH_INVALID_TOKEN');
  });

  it('never returns the password hash', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: await t.login('admin-a') },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toMatch(/argon2|password/i);
  });

  it('shows an enterprise user only its own enterprise and 404s the other', async () => {
    const auth = await t.login('safety-a');
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/enterprises',
      headers: { authorization: auth },
    });
    expect(list.json().map((e: { id: string }) => e.id)).toEqual(['ent-a']);
    const other = await t.app.inject({
      method: 'GET',
      url: '/api/enterprises/ent-b',
      headers: { authorization: auth },
    });
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('JH_ERR_TENANCY_NOT_FOUND');
    const own = await t.app.inject({
      method: 'GET',
      url: '/api/enterprises/ent-a',
      headers: { authorization: auth },
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().sites).toEqual([{ id: 'site-a', name: '甲-炼钢车间', cameras: 0 }]);
  });

  it('shows a regulator the enterprises of its region only', async () => {
    const z = await t.app.inject({
      method: 'GET',
      url: '/api/enterprises',
      headers: { authorization: await t.login('regulator-z') },
    });
    expect(z.json().map((e: { id: string }) => e.id)).toEqual(['ent-a', 'ent-b']);
    const o = await t.app.inject({
      method: 'GET',
      url: '/api/enterprises/ent-a',
      headers: { authorization: await t.login('regulator-o') },
    });
    expect(o.statusCode).toBe(404);
  });

  it('forbids a role without the permission (403)', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/enterprises',
      headers: { authorization: await t.login('welder-a') },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('JH_ERR_AUTH_FORBIDDEN');
  });

  it('expires sessions after their TTL', async () => {
    const auth = await t.login('approver-a');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: auth } })).statusCode,
    ).toBe(200);
    clock.advance(13 * 3600_000);
    const res = await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: auth } });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('JH_ERR_AUTH_EXPIRED');
  });

  it('rate-limits login attempts', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'guardian-a', password: 'wrong' },
      });
      codes.push(r.statusCode);
    }
    expect(codes).toContain(429);
    const limited = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'guardian-a', password: 'wrong' },
    });
    expect(limited.json().code).toBe('JH_ERR_HTTP_RATE_LIMITED');
  });
});
