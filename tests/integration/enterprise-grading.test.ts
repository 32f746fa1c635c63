import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { NESTED } from './enterprise-fixtures.ts';

/**
 * 分级分类 through the real API: grades computed from hazards entered through the closed loop, a
 * regulator's override with its reason and history (seen by the enterprise), who may override, and
 * the 分级分类台账 XLSX read back by a third party (python3 openpyxl) with real date cells.
 */
const run = promisify(execFile);
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 2); // 2026-01-05 10:00 Shanghai
let t: TestService;
let clock: FakeClock;

const req = async (who: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
  const r = await t.app.inject({
    method,
    url,
    headers: { authorization: await t.login(who) },
    ...(payload ? { payload } : {}),
  });
  const json = String(r.headers['content-type']).startsWith('application/json');
  return {
    status: r.statusCode,
    body: (json ? r.json() : {}) as Record<string, unknown> & { code?: string },
    raw: r.rawPayload,
    type: String(r.headers['content-type']),
  };
};
const ok = async (who: string, method: 'POST' | 'PATCH', url: string, payload: object) => {
  const r = await req(who, method, url, payload);
  if (r.status >= 300) throw new Error(`${method} ${url} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const grade = async (who: string, id: string) => (await req(who, 'GET', `/api/enterprises/${id}/grade`)).body;

beforeAll(async () => {
  clock = new FakeClock(T0);
  t = await startTestService({ extra: NESTED, clock });
  const hazard = (enterpriseId: string, who: string) =>
    ok(who, 'POST', '/api/hazards', {
      enterpriseId,
      source: 'inspection',
      stage: 'county_check',
      checker: '县应急局',
      description: '煤气区域未设固定式报警仪',
      hazardType: '煤气安全',
    });
  // ent-a: a major hazard dispatched with a one-day deadline, then left two days: overdue (A)
  const major = (await hazard('ent-a', 'admin-a')).id as number;
  const five = {
    measures: '加装报警仪',
    responsiblePerson: '张安全',
    funds: 20000,
    deadline: new Date(T0 + DAY).toISOString(),
    contingencyPlan: '煤气泄漏应急预案',
  };
  await ok('admin-a', 'POST', `/api/hazards/${major}/assess`, { level: 'major', five, reason: '重大隐患' });
  const { id: responsible } = t.services.db
    .prepare("SELECT id FROM users WHERE username = 'admin-a'")
    .get() as {
    id: number;
  };
  await ok('admin-a', 'POST', `/api/hazards/${major}/dispatch`, {
    responsibleUserId: responsible,
    reason: '派单',
  });
  // ent-d: one general hazard, registered and still open (C)
  await hazard('ent-d', 'admin-d');
  await ok('admin-d', 'PATCH', '/api/enterprises/ent-d/record', {
    creditCode: '91110000600037341L',
    scale: 'small',
    aboveDesignatedSize: false,
  });
  clock.set(T0 + 2 * DAY);
  // the sessions signed in above have expired on the moved clock: sign in again
  for (const who of ['admin-a', 'admin-d']) t.login.forget(who);
});
afterAll(async () => t?.close());

describe('computed grade', () => {
  it('follows the criteria, with the reasons', async () => {
    const a = await grade('admin-a', 'ent-a');
    expect(a).toMatchObject({ grade: 'A', colorZh: '红', override: null, computed: { grade: 'A' } });
    expect((a.computed as { reasons: { code: string }[] }).reasons.map((r) => r.code)).toEqual([
      'overdue_major',
      'open_major',
    ]);
    expect(a.facts).toMatchObject({ overdueMajor: 1, openMajor: 1, openGeneral: 0 });
    expect(await grade('regulator-z', 'ent-b')).toMatchObject({ grade: 'D', computed: { reasons: [] } });
    expect(await grade('regulator-city', 'ent-d')).toMatchObject({ grade: 'C', facts: { openGeneral: 1 } });
  });
});

describe('override', () => {
  it('a regulator of the region sets it with a reason; the enterprise sees grade and reason', async () => {
    const r = await req('regulator-z', 'POST', '/api/enterprises/ent-a/grade/override', {
      grade: 'B',
      reason: '已挂牌督办，整改方案经专家论证',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ grade: 'B', computed: { grade: 'A' } });
    const seen = await grade('admin-a', 'ent-a');
    expect(seen).toMatchObject({
      grade: 'B',
      colorZh: '橙',
      override: {
        grade: 'B',
        computedGrade: 'A',
        reason: '已挂牌督办，整改方案经专家论证',
        by: 'regulator-z',
      },
    });
    const ev = t.services.db
      .prepare("SELECT enterprise_id AS e, payload FROM outbox WHERE type = 'enterprise.gradeOverridden'")
      .all() as { e: string; payload: string }[];
    expect(ev.map((x) => [x.e, JSON.parse(x.payload).grade])).toEqual([['ent-a', 'B']]);
  });

  it('withdrawing brings the computed grade back; the history keeps both', async () => {
    await ok('regulator-city', 'POST', '/api/enterprises/ent-d/grade/override', {
      grade: 'D',
      reason: '小微企业，已整改',
    });
    await ok('regulator-town', 'POST', '/api/enterprises/ent-d/grade/override', {
      grade: null,
      reason: '撤销：隐患未销号',
    });
    const d = await grade('admin-d', 'ent-d');
    expect(d).toMatchObject({ grade: 'C', override: null });
    expect((d.history as { grade: string | null; by: string }[]).map((h) => [h.grade, h.by])).toEqual([
      [null, 'regulator-town'],
      ['D', 'regulator-city'],
    ]);
  });

  it('only regulators of the region: others 404, non-regulators 403, a reason is required', async () => {
    const body = { grade: 'D', reason: '企业申请调整' };
    for (const who of ['regulator-o', 'regulator-town']) {
      const r = await req(who, 'POST', '/api/enterprises/ent-a/grade/override', body);
      expect([who, r.status, r.body.code]).toEqual([who, 404, 'JH_ERR_TENANCY_NOT_FOUND']);
      expect((await req(who, 'GET', '/api/enterprises/ent-a/grade')).status).toBe(404);
    }
    for (const who of ['admin-a', 'safety-a']) {
      const r = await req(who, 'POST', '/api/enterprises/ent-a/grade/override', body);
      expect([who, r.status]).toEqual([who, 403]);
    }
    for (const bad of [{ grade: 'E', reason: '理由充分的' }, { grade: 'A', reason: '短' }, { grade: 'A' }]) {
      const r = await req('regulator-z', 'POST', '/api/enterprises/ent-a/grade/override', bad);
      expect([r.status, r.body.code]).toEqual([400, 'JH_ERR_HTTP_VALIDATION']);
    }
    expect((await grade('admin-a', 'ent-a')).grade).toBe('B');
  });
});

/** Every row of the first sheet; date cells as "date:YYYY-MM-DD", so a text cell cannot pass for one. */
const READ = `
import json, sys, datetime, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
def cell(c):
    if isinstance(c.value, datetime.datetime):
        return "date:" + c.value.date().isoformat()
    return c.value
print(json.dumps({"title": ws.title, "rows": [[cell(c) for c in r] for r in ws.iter_rows()]}, ensure_ascii=False))
`;

describe('分级分类台账', () => {
  it('XLSX of a region with its nested regions, read back by openpyxl', async () => {
    const r = await req('regulator-z', 'GET', '/api/regions/zezhou/grading.xlsx');
    expect(r.status).toBe(200);
    expect(r.type).toContain('spreadsheetml');
    const file = join(t.dir, 'grading.xlsx');
    writeFileSync(file, r.raw);
    const { stdout } = await run('/usr/bin/python3', ['-c', READ, file]);
    const x = JSON.parse(stdout) as { title: string; rows: unknown[][] };
    expect(x.title).toBe('分级分类台账');
    expect(x.rows[0]![0]).toBe('泽州县工贸企业安全生产分级分类台账（2026-01-07）');
    expect(x.rows[1]).toEqual([
      '序号',
      '企业名称',
      '统一社会信用代码',
      '所在市（县、区）',
      '行业类别',
      '规模',
      '计算等级',
      '监管等级',
      '调整理由',
      '调整时间',
    ]);
    // empty cells are written empty (''), as in every form of reports/table.ts
    expect(x.rows.slice(2, 5)).toEqual([
      [
        1,
        '甲钢铁',
        '',
        '泽州县',
        '冶金',
        '',
        'A（红）',
        'B（橙）',
        '已挂牌督办，整改方案经专家论证',
        'date:2026-01-07',
      ],
      [2, '乙铸造', '', '泽州县', '机械', '', 'D（蓝）', 'D（蓝）', '', ''],
      [3, '丁建材', '91110000600037341L', '南村镇', '建材', '小型（规下）', 'C（黄）', 'C（黄）', '', ''],
    ]);
  });

  it('JSON too; only regulators of the region or above it', async () => {
    const city = await req('regulator-city', 'GET', '/api/regions/nancun/grading');
    expect((city.body.items as { enterpriseId: string }[]).map((i) => i.enterpriseId)).toEqual(['ent-d']);
    for (const [who, region] of [
      ['regulator-town', 'zezhou'],
      ['regulator-o', 'zezhou'],
      ['regulator-z', 'jincheng'],
      ['regulator-z', 'nowhere'],
      ['admin-a', 'zezhou'],
    ] as const) {
      for (const path of ['grading', 'grading.xlsx']) {
        const r = await req(who, 'GET', `/api/regions/${region}/${path}`);
        expect([who, region, path, r.status]).toEqual([who, region, path, 404]);
      }
    }
    expect((await req('safety-a', 'GET', '/api/regions/zezhou/grading.xlsx')).status).toBe(404);
  });
});
