import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fill, ids, MARK, req, seedEnterpriseA, type FullTestService } from './access-matrix-harness.ts';

/**
 * Who may see and do what, over real ids created through the API (and one violation through the real
 * tracker → rules pipeline): every route in the OpenAPI document called with enterprise A's ids by
 * another enterprise's officer and admin and by another region's regulator must refuse (401/403/404,
 * or a 4xx for the body) and no answer of any route may carry A's data; wrong roles get 403; a revoked
 * or expired session gets 401. The no-token sweep and the 5xx fuzz are in route-fuzz.test.ts.
 */
let t: FullTestService;

beforeAll(async () => {
  t = await seedEnterpriseA();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

/** A valid 执法检查 body for an enterprise. */
const inspectionOf = (enterpriseId: string) => ({
  enterpriseId,
  inspectors: ['检查员'],
  inspectedAt: new Date(Date.now() - 60_000).toISOString(),
  stage: 'county_check',
  checkingUnit: '应急管理局',
});

describe('tenancy and roles over real ids', () => {
  it('other tenants and regions: every route refuses A’s ids, no answer carries A’s data', async () => {
    const doc = (await t.app.inject({ url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => ({ method: m.toUpperCase(), path })),
    );
    expect(routes.length).toBeGreaterThan(40);
    // the marker is really in A's answers (else "no answer carries it" would prove nothing)
    for (const url of [
      `/api/permits/${ids.permit}`,
      `/api/hazards/${ids.hazard}`,
      '/api/machines',
      `/api/inspections/${ids.inspection}`,
      '/api/enterprises/ent-a/record',
    ])
      expect((await req('admin-a', 'GET', url)).body).toContain(MARK);
    const leaks: string[] = [];
    let calls = 0;
    for (const who of ['safety-b', 'admin-b', 'regulator-o']) {
      for (const r of routes) {
        if (r.path === '/api/auth/login' || r.path === '/api/auth/logout') continue;
        const url = fill(r.path);
        const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
        const res = await req(who, r.method, url, body);
        calls++;
        if (res.body.includes(MARK) || res.body.includes(ids.permitNumber))
          leaks.push(`${who} ${r.method} ${url} → ${res.statusCode} carries A's data`);
        if (url !== r.path.replace(/\{[^}]+\}/g, 'x') && r.path.includes('{') && res.statusCode < 400)
          leaks.push(`${who} ${r.method} ${url} → ${res.statusCode}`);
        // /healthz says 503 "degraded" while its camera is offline (#23): its contract, not a crash
        const degradedHealth = r.path === '/healthz' && res.statusCode === 503;
        if (res.statusCode >= 500 && !degradedHealth)
          leaks.push(`${who} ${r.method} ${url} → ${res.statusCode}`);
      }
    }
    console.log(`cross-tenant sweep: ${calls} calls over ${routes.length} routes`);
    expect(leaks).toEqual([]);
  });

  it('other tenants cannot act on A’s objects with valid bodies (404), and nothing changed', async () => {
    const attempts: [string, string, string, unknown?][] = [
      ['safety-b', 'POST', `/api/permits/${ids.permit}/submit`],
      ['safety-b', 'POST', `/api/permits/${ids.permit}/revoke`, { reason: 'x' }],
      ['safety-b', 'POST', `/api/permits/${ids.permit}/measures/0/confirm`],
      ['safety-b', 'POST', `/api/violations/${ids.violation}/confirm`, { note: 'x' }],
      ['safety-b', 'POST', `/api/violations/${ids.violation}/dismiss`, { note: 'x' }],
      ['admin-b', 'POST', '/api/machines/M1/qr/rotate'],
      ['admin-b', 'POST', '/api/machines/M1/telemetry', { powered: true, currentA: 100 }],
      ['admin-b', 'GET', `/api/evidence/${ids.evidence}`],
      ['admin-b', 'GET', `/api/hazards/${ids.hazard}/photos/${ids.photo}`],
      ['regulator-o', 'PATCH', `/api/inspections/${ids.inspection}`, { penaltyWanYuan: 0 }],
      ['regulator-o', 'DELETE', `/api/inspections/${ids.inspection}`],
      ['regulator-o', 'POST', '/api/inspections', { ...inspectionOf('ent-a') }],
      ['admin-b', 'PATCH', '/api/enterprises/ent-a/record', { address: 'x' }],
      [
        'regulator-o',
        'POST',
        '/api/enterprises/ent-a/grade/override',
        { grade: 'D', reason: '越权调整等级' },
      ],
      ['regulator-o', 'GET', '/api/regions/zezhou/grading.xlsx'],
    ];
    for (const [who, method, url, body] of attempts) {
      const res = await req(who, method, url, body);
      expect.soft(res.statusCode, `${who} ${method} ${url}: ${res.body}`).toBe(404);
      expect.soft(res.json().code, url).toMatch(/^JH_ERR_.*NOT_FOUND|^JH_ERR_/);
    }
    // another enterprise's approver is answered exactly like a user that does not exist
    const theirs = await req('admin-b', 'PUT', '/api/approvers/approver-a/authority', {
      authority: 'leader',
    });
    const nobody = await req('admin-b', 'PUT', '/api/approvers/nobody-zz/authority', { authority: 'leader' });
    expect(theirs.statusCode).toBeGreaterThanOrEqual(400);
    expect([theirs.statusCode, theirs.json().code]).toEqual([nobody.statusCode, nobody.json().code]);
    const p = await req('safety-a', 'GET', `/api/permits/${ids.permit}`);
    expect(p.json().permit.state).toBe('draft');
    expect((await req('admin-a', 'GET', '/api/enterprises/ent-a/record')).json().address).toBe(
      `厂址 ${MARK}`,
    );
    expect((await req('admin-a', 'GET', '/api/enterprises/ent-a/grade')).json().history).toEqual([]);
    expect((await req('safety-a', 'GET', `/api/violations/${ids.violation}`)).json().review).toBe('pending');
    const insp = (await req('admin-a', 'GET', `/api/inspections/${ids.inspection}`)).json();
    expect([insp.version, insp.penaltyWanYuan]).toEqual([1, 1]);
    const machines = (await req('admin-a', 'GET', '/api/machines')).json() as { tokenVersion?: number }[];
    expect(machines[0]!.tokenVersion ?? 1).toBe(1);
  });

  it('wrong roles get 403 with a code', async () => {
    const cases: [string, string, string, unknown?][] = [
      ['welder-a', 'GET', '/api/violations'],
      ['welder-a', 'POST', '/api/permits', {}],
      ['welder-a', 'POST', '/api/machines', {}],
      ['welder-a', 'GET', '/api/audit/chain'],
      ['guardian-a', 'POST', `/api/permits/${ids.permit}/approve`],
      ['guardian-a', 'POST', `/api/violations/${ids.violation}/confirm`, {}],
      ['approver-a', 'POST', '/api/permits', {}],
      ['approver-a', 'POST', '/api/hazards', {}],
      ['safety-a', 'POST', '/api/machines', {}],
      ['safety-a', 'PUT', '/api/approvers/approver-a/authority', { authority: 'leader' }],
      ['regulator-z', 'POST', `/api/permits/${ids.permit}/submit`],
      ['regulator-z', 'POST', '/api/hazards', {}],
      ['regulator-z', 'POST', `/api/violations/${ids.violation}/confirm`, {}],
      // 执法检查 are the regulator's: A's own users may read them, never write them, not even for A
      ['admin-a', 'PATCH', `/api/inspections/${ids.inspection}`, { penaltyWanYuan: 0 }],
      ['admin-a', 'DELETE', `/api/inspections/${ids.inspection}`],
      ['admin-a', 'POST', '/api/inspections', inspectionOf('ent-a')],
      [
        'safety-a',
        'POST',
        `/api/inspections/${ids.inspection}/findings`,
        { description: 'x', hazardType: 'x' },
      ],
      ['safety-a', 'GET', '/api/regulator/overview?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z'],
      ['regulator-z', 'PATCH', '/api/enterprises/ent-a/record', { address: 'x' }],
      ['admin-a', 'POST', '/api/enterprises/ent-a/grade/override', { grade: 'D', reason: '自行调整等级' }],
    ];
    for (const [who, method, url, body] of cases) {
      const res = await req(who, method, url, body);
      expect.soft(res.statusCode, `${who} ${method} ${url}`).toBe(403);
      expect.soft(res.json().code, `${who} ${method} ${url}`).toBe('JH_ERR_AUTH_FORBIDDEN');
      expect.soft(res.body).not.toContain(MARK);
    }
    // the same region's regulator may read A
    expect((await req('regulator-z', 'GET', `/api/permits/${ids.permit}`)).statusCode).toBe(200);
  });

  it('a signed-out or expired session gets 401, never data', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'safety-a', password: 'test-password-1' },
    });
    const auth = `Bearer ${login.json().token}`;
    const get = () => t.app.inject({ url: `/api/permits/${ids.permit}`, headers: { authorization: auth } });
    expect((await get()).statusCode).toBe(200);
    // expire it where the service keeps it (as if 12 h had passed)
    t.service.services.db
      .prepare('UPDATE sessions SET expires_at = ?')
      .run(new Date(Date.now() - 1000).toISOString());
    const expired = await get();
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('JH_ERR_AUTH_EXPIRED');
    expect(expired.body).not.toContain(MARK);
    const fresh = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'safety-a', password: 'test-password-1' },
    });
    const auth2 = `Bearer ${fresh.json().token}`;
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: auth2 } }))
        .statusCode,
    ).toBeLessThan(300);
    const after = await t.app.inject({
      url: `/api/permits/${ids.permit}`,
      headers: { authorization: auth2 },
    });
    expect(after.statusCode).toBe(401);
    const forged = await t.app.inject({
      url: `/api/permits/${ids.permit}`,
      headers: { authorization: `Bearer ${randomBytes(32).toString('base64url')}` },
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().code).toBe('JH_ERR_AUTH_INVALID_TOKEN');
  });
});
