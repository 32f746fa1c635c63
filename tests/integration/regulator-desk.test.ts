import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { REGION_OF_THREE, SEEDED, seedRegionHistory } from '../helpers/regulator-seed.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

/**
 * The regulator's desk over a real service and SQLite file: one region of three enterprises with seeded
 * history (permits with video gaps, major and overdue hazards, violations) ranked by each measure, and
 * 执法检查 that only the region's regulator writes while the enterprise reads them.
 */
let t: TestService;
const NOW = Date.UTC(2026, 11, 1, 8, 0, 0);
const clock = new FakeClock(NOW);

const call = async (user: string, method: string, url: string, payload?: unknown) => {
  const res = await t.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: await t.login(user) },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: res.statusCode, body: res.body ? res.json() : null };
};

const range = (days: number) =>
  `from=${encodeURIComponent(new Date(NOW - days * 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(NOW).toISOString())}`;

beforeAll(async () => {
  t = await startTestService({ extra: REGION_OF_THREE, clock });
  seedRegionHistory(t.services, (ms) => clock.set(ms), NOW);
});
afterAll(async () => {
  await t?.close();
});

describe('GET /api/regulator/overview', () => {
  it('ranks the region’s three enterprises by unwatched minutes, over more than 31 days', async () => {
    const r = await call('regulator-z', 'GET', `/api/regulator/overview?${range(90)}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.total).toBe(3);
    expect(r.body.items.map((x: { enterpriseId: string }) => x.enterpriseId)).toEqual([
      'ent-b',
      'ent-a',
      'ent-d',
    ]);
    for (const row of r.body.items) {
      const want = SEEDED[row.enterpriseId as keyof typeof SEEDED];
      expect(row, row.enterpriseId).toMatchObject(want);
    }
    expect(r.body.items[0]).toMatchObject({
      rank: 1,
      name: '乙铸造',
      permits: 1,
      videoPermits: 1,
      workMinutes: 120,
    });
  });

  it('sorts by each measure', async () => {
    const order = async (sort: string) =>
      (await call('regulator-z', 'GET', `/api/regulator/overview?${range(7)}&sort=${sort}`)).body.items.map(
        (x: { enterpriseId: string }) => x.enterpriseId,
      );
    expect(await order('openMajorHazards')).toEqual(['ent-d', 'ent-a', 'ent-b']);
    expect(await order('overdueRectifications')).toEqual(['ent-a', 'ent-b', 'ent-d']);
    expect(await order('violationsPerPermitHour')).toEqual(['ent-d', 'ent-a', 'ent-b']);
  });

  it('pages, and a range without the work shows no unwatched minutes', async () => {
    const page = await call('regulator-z', 'GET', `/api/regulator/overview?${range(7)}&limit=1&offset=1`);
    expect(page.body).toMatchObject({ total: 3, items: [{ rank: 2, enterpriseId: 'ent-a' }] });
    const before = new Date(NOW - 10 * 86_400_000).toISOString();
    const r = await call(
      'regulator-z',
      'GET',
      `/api/regulator/overview?from=${encodeURIComponent(new Date(NOW - 40 * 86_400_000).toISOString())}&to=${encodeURIComponent(before)}`,
    );
    expect(r.body.items.map((x: { unwatchedMinutes: number }) => x.unwatchedMinutes)).toEqual([0, 0, 0]);
  });

  it('another region sees only its own; enterprises may not ask; a bad range is a coded 400', async () => {
    const other = await call('regulator-o', 'GET', `/api/regulator/overview?${range(7)}`);
    expect(other.body.items.map((x: { enterpriseId: string }) => x.enterpriseId)).toEqual(['ent-c']);
    const officer = await call('safety-a', 'GET', `/api/regulator/overview?${range(7)}`);
    expect([officer.status, officer.body.code]).toEqual([403, 'JH_ERR_AUTH_FORBIDDEN']);
    const bad = await call(
      'regulator-z',
      'GET',
      `/api/regulator/overview?from=${encodeURIComponent(new Date(NOW).toISOString())}&to=${encodeURIComponent(new Date(NOW - 1000).toISOString())}`,
    );
    expect([bad.status, bad.body.code]).toEqual([400, 'JH_ERR_OVERVIEW_BAD_RANGE']);
  });
});

describe('执法检查', () => {
  const body = {
    enterpriseId: 'ent-a',
    inspectors: ['张检查', '李执法'],
    inspectedAt: new Date(NOW - 3_600_000).toISOString(),
    stage: 'county_check',
    checkingUnit: '泽州县应急管理局',
    penaltyText: '责令停产整顿，罚款',
    penaltyWanYuan: 1.25,
    supervised: true,
    supervisingUnit: '晋城市安委办',
    findings: [{ description: '动火点未配灭火器', hazardType: '动火作业', location: '炼钢平台' }],
  };
  let id = 0;
  let hazardId = 0;

  it('the region’s regulator records one; its finding is a hazard of the enterprise at that stage', async () => {
    const r = await call('regulator-z', 'POST', '/api/inspections', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      enterpriseId: 'ent-a',
      inspectors: ['张检查', '李执法'],
      penaltyWanYuan: 1.25,
      supervised: true,
      supervisingUnit: '晋城市安委办',
      findings: [{ description: '动火点未配灭火器', state: 'registered' }],
    });
    id = r.body.id;
    hazardId = r.body.findings[0].id;
    const h = await call('safety-a', 'GET', `/api/hazards/${hazardId}`);
    expect(h.body).toMatchObject({ source: 'inspection', stage: 'county_check', enterpriseId: 'ent-a' });
    expect(t.services.oversight.inspections.forHazard(hazardId)).toEqual({
      inspectionId: id,
      checkingUnit: '泽州县应急管理局',
      supervisingUnit: '晋城市安委办',
      penaltyText: '责令停产整顿，罚款',
      penaltyWanYuan: 1.25,
    });
    const types = (
      t.services.db.prepare('SELECT type FROM outbox WHERE type LIKE ? ORDER BY id').all('inspection.%') as {
        type: string;
      }[]
    ).map((x) => x.type);
    expect(types).toEqual(['inspection.recorded', 'inspection.findingAdded']);
  });

  it('every role of the enterprise reads it; the enterprise works the hazard, the regulator does not', async () => {
    for (const who of ['admin-a', 'welder-a', 'safety-a']) {
      const l = await call(who, 'GET', '/api/inspections');
      expect(l.status, who).toBe(200);
      expect(
        l.body.items.map((x: { id: number }) => x.id),
        who,
      ).toContain(id);
    }
    const assess = await call('safety-a', 'POST', `/api/hazards/${hazardId}/assess`, {
      level: 'general',
      reason: '企业评估',
    });
    expect(assess.status, JSON.stringify(assess.body)).toBe(200);
    const reg = await call('regulator-z', 'POST', `/api/hazards/${hazardId}/dispatch`, {
      responsibleUserId: 1,
      reason: 'x',
    });
    expect(reg.status).toBe(403);
  });

  it('the enterprise cannot edit, delete or record one (403 with a code), not even for itself', async () => {
    for (const [method, url, payload] of [
      ['PATCH', `/api/inspections/${id}`, { penaltyWanYuan: 0 }],
      ['DELETE', `/api/inspections/${id}`, undefined],
      ['POST', `/api/inspections/${id}/findings`, { description: 'x', hazardType: 'x' }],
      ['POST', '/api/inspections', { ...body, penaltyWanYuan: 0, findings: [] }],
    ] as const) {
      for (const who of ['admin-a', 'safety-a', 'welder-a']) {
        const r = await call(who, method, url, payload);
        expect([r.status, r.body.code], `${who} ${method} ${url}`).toEqual([403, 'JH_ERR_AUTH_FORBIDDEN']);
      }
    }
    const still = await call('admin-a', 'GET', `/api/inspections/${id}`);
    expect(still.body).toMatchObject({ penaltyWanYuan: 1.25, version: 1, findings: [{ id: hazardId }] });
  });

  it('another region’s regulator and another enterprise get 404', async () => {
    for (const [who, method, url, payload] of [
      ['regulator-o', 'GET', `/api/inspections/${id}`, undefined],
      ['regulator-o', 'PATCH', `/api/inspections/${id}`, { penaltyWanYuan: 0 }],
      ['regulator-o', 'DELETE', `/api/inspections/${id}`, undefined],
      ['regulator-o', 'POST', `/api/inspections/${id}/findings`, { description: 'x', hazardType: 'x' }],
      ['regulator-o', 'POST', '/api/inspections', body],
      ['safety-b', 'GET', `/api/inspections/${id}`, undefined],
    ] as const) {
      const r = await call(who, method, url, payload);
      expect(r.status, `${who} ${method} ${url}`).toBe(404);
      expect(r.body.code).toMatch(/NOT_FOUND/);
    }
    expect((await call('safety-b', 'GET', '/api/inspections')).body.items).toEqual([]);
  });

  it('the regulator edits it; bad fines, a supervised case without unit, a future time and a stale version are refused', async () => {
    const p = await call('regulator-z', 'PATCH', `/api/inspections/${id}`, { penaltyWanYuan: 2, version: 1 });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body).toMatchObject({ penaltyWanYuan: 2, version: 2 });
    expect(t.services.oversight.inspections.forHazard(hazardId)?.penaltyWanYuan).toBe(2);
    const cases: [unknown, number, string][] = [
      [{ penaltyWanYuan: 0.00001 }, 400, 'JH_ERR_INSPECTION_BAD_PENALTY'],
      [{ supervisingUnit: null }, 400, 'JH_ERR_INSPECTION_SUPERVISING_UNIT'],
      [{ inspectedAt: new Date(NOW + 86_400_000).toISOString() }, 400, 'JH_ERR_INSPECTION_FUTURE'],
      [{ stage: 'self_check' }, 400, 'JH_ERR_HTTP_VALIDATION'],
      [{ penaltyWanYuan: 3, version: 1 }, 409, 'JH_ERR_HTTP_CONFLICT'],
    ];
    for (const [payload, status, code] of cases) {
      const r = await call('regulator-z', 'PATCH', `/api/inspections/${id}`, payload);
      expect([r.status, r.body.code], JSON.stringify(payload)).toEqual([status, code]);
    }
  });

  it('adds a finding later; deletes only a record without findings', async () => {
    const f = await call('regulator-z', 'POST', `/api/inspections/${id}/findings`, {
      description: '气瓶间距不足',
      hazardType: '动火作业',
    });
    expect(f.status).toBe(201);
    expect(f.body.findings).toHaveLength(2);
    const del = await call('regulator-z', 'DELETE', `/api/inspections/${id}`);
    expect([del.status, del.body.code]).toEqual([409, 'JH_ERR_INSPECTION_HAS_FINDINGS']);
    const empty = await call('regulator-z', 'POST', '/api/inspections', {
      ...body,
      enterpriseId: 'ent-d',
      stage: 'province_check',
      supervised: false,
      supervisingUnit: null,
      findings: [],
    });
    expect(empty.status).toBe(201);
    expect(empty.body.supervisingUnit).toBeNull();
    expect((await call('regulator-z', 'DELETE', `/api/inspections/${empty.body.id}`)).status).toBe(204);
    expect((await call('regulator-z', 'GET', `/api/inspections/${empty.body.id}`)).status).toBe(404);
  });
});
