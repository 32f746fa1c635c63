import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { seedCampaign, type CampaignSeed } from '../helpers/campaign-seed.ts';
import { startTestService, testConfigInput, type TestService } from '../helpers/test-service.ts';

/**
 * The per-permit audit of a region over a four-month campaign (#22): a 县 (泽州县) with a 镇 nested
 * under it, three enterprises with a permit history of 122 days, paged JSON, the whole range as XLSX
 * (read back by python3-openpyxl) and CSV, the scope of each caller and the coded answers to bad input.
 */
const run = promisify(execFile);
const DAY = 86_400_000;
const FROM = Date.UTC(2026, 7, 1, 16); // 2026-08-02 00:00 Shanghai
const DAYS = 122;
const NOW = FROM + DAYS * DAY + 8 * 3_600_000;
const clock = new FakeClock(FROM);
let t: TestService;
let seeded: Record<string, CampaignSeed>;

const RANGE = `from=${encodeURIComponent(new Date(FROM).toISOString())}&to=${encodeURIComponent(new Date(FROM + DAYS * DAY).toISOString())}`;

async function call(user: string, url: string) {
  const res = await t.app.inject({ method: 'GET', url, headers: { authorization: await t.login(user) } });
  return {
    status: res.statusCode,
    res,
    body: String(res.headers['content-type']).includes('json') ? res.json() : null,
  };
}

beforeAll(async () => {
  const base = testConfigInput('/nonexistent');
  t = await startTestService({
    clock,
    extra: {
      regions: [
        { id: 'zezhou', name: '泽州县' },
        { id: 'zz-town', name: '巴公镇', parent: 'zezhou' },
        { id: 'other-county', name: '外县' },
      ],
      enterprises: [
        { id: 'ent-a', name: '甲钢铁', regionId: 'zezhou' },
        { id: 'ent-b', name: '乙铸造', regionId: 'zezhou' },
        { id: 'ent-c', name: '丙冶金', regionId: 'other-county' },
        { id: 'ent-d', name: '丁焦化', regionId: 'zz-town' },
      ],
      users: base.users,
    },
  });
  const started = performance.now();
  seeded = seedCampaign(t.services, (ms) => clock.set(ms), {
    enterpriseIds: ['ent-a', 'ent-b', 'ent-c', 'ent-d'],
    from: FROM,
    days: DAYS,
    perDay: 3,
    to: NOW,
  });
  console.log(`seeded ${4 * DAYS * 3} permits in ${Math.round(performance.now() - started)} ms`);
}, 300_000);
afterAll(async () => {
  await t?.close();
});

const zezhou = () => ['ent-a', 'ent-b', 'ent-d'].map((e) => seeded[e]!);
const sum = (xs: CampaignSeed[], k: keyof CampaignSeed) => xs.reduce((n, x) => n + x[k], 0);

describe('GET /api/audit/permits for a region over four months', () => {
  it('counts every permit of the 县 and its 镇, and pages through them', async () => {
    const started = performance.now();
    const first = await call('regulator-z', `/api/audit/permits?region=zezhou&${RANGE}&pageSize=200`);
    const ms = Math.round(performance.now() - started);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    console.log(`4-month region audit, ${first.body.total} permits: ${ms} ms (first page of 200)`);
    const total = sum(zezhou(), 'permits');
    expect(first.body.total).toBe(total);
    expect(first.body.summary).toMatchObject({
      permits: total,
      gaps: sum(zezhou(), 'withGaps'),
      fully_monitored: total - sum(zezhou(), 'withGaps'),
      work_without_monitoring: 0,
    });
    expect(first.body.permits).toHaveLength(200);
    const seen = new Set<string>();
    for (let page = 1; page <= Math.ceil(total / 200); page++) {
      const r = await call(
        'regulator-z',
        `/api/audit/permits?region=zezhou&${RANGE}&pageSize=200&page=${page}`,
      );
      for (const p of r.body.permits) seen.add(p.permitId);
    }
    expect(seen.size).toBe(total);
    expect([...seen].some((id) => id.startsWith('camp-ent-d-'))).toBe(true); // the 镇's enterprise
    expect([...seen].some((id) => id.startsWith('camp-ent-c-'))).toBe(false); // another county's
    const violations = first.body.permits.reduce(
      (n: number, p: { violations: unknown[] }) => n + p.violations.length,
      0,
    );
    expect(violations).toBeGreaterThan(0);
  });

  it('filters by verdict on the server, and still answers one enterprise alone', async () => {
    const gaps = await call(
      'regulator-z',
      `/api/audit/permits?region=zezhou&${RANGE}&verdict=gaps&pageSize=500`,
    );
    expect(gaps.body.total).toBe(sum(zezhou(), 'withGaps'));
    expect(
      gaps.body.permits.every((p: { coverage: { verdict: string } }) => p.coverage.verdict === 'gaps'),
    ).toBe(true);
    const one = await call('safety-a', `/api/audit/permits?enterprise=ent-a&${RANGE}`);
    expect(one.status).toBe(200);
    expect(one.body.total).toBe(seeded['ent-a']!.permits);
    expect(one.body.pageSize).toBe(100);
    const own = await call('safety-a', `/api/audit/permits?${RANGE}`);
    expect(own.body.total).toBe(seeded['ent-a']!.permits);
  });

  it('exports the whole range as XLSX (read back by openpyxl) and CSV', async () => {
    const started = performance.now();
    const x = await call('regulator-z', `/api/audit/permits.xlsx?region=zezhou&${RANGE}`);
    console.log(
      `4-month region XLSX: ${Math.round(performance.now() - started)} ms, ${x.res.rawPayload.length} bytes`,
    );
    expect(x.status).toBe(200);
    expect(x.res.headers['content-disposition']).toMatch(/permit-audit-zezhou-2026-08-01\.xlsx/);
    const file = join(t.dir, 'audit.xlsx');
    writeFileSync(file, x.res.rawPayload);
    const read = `
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
print(json.dumps([[c.value for c in r] for r in ws.iter_rows()], ensure_ascii=False))`;
    const rows = JSON.parse(
      (await run('/usr/bin/python3', ['-c', read, file], { maxBuffer: 64 << 20 })).stdout,
    );
    const total = sum(zezhou(), 'permits');
    expect(rows[0][0]).toMatch(/^作业票监控审计 泽州县 /);
    expect(rows[1].slice(0, 3)).toEqual(['作业票编号', '企业', '作业类型']);
    const body = rows.slice(2, 2 + total);
    expect(body).toHaveLength(total);
    expect(new Set(body.map((r: unknown[]) => r[1]))).toEqual(new Set(['甲钢铁', '乙铸造', '丁焦化']));
    expect(body.filter((r: unknown[]) => r[10] === '存在监控中断')).toHaveLength(sum(zezhou(), 'withGaps'));
    expect(rows[2 + total][0]).toContain(`合计：作业票 ${total} 张`);

    const c = await call('regulator-z', `/api/audit/permits.csv?region=zezhou&${RANGE}`);
    expect(c.status).toBe(200);
    const lines = c.res.body.trim().split('\r\n');
    expect(lines).toHaveLength(total + 1);
  });

  it('`jianhu report permit-audit --region` writes the same permits offline, the 镇 included', async () => {
    const config = join(t.dir, 'cli-config.json');
    const { store, regions, enterprises } = t.config;
    writeFileSync(config, JSON.stringify({ store, regions, enterprises, mqtt: { embedded: false } }));
    const out = join(t.dir, 'cli-audit.xlsx');
    const args = ['--config', config, '--region', 'zezhou', '--from', '2026-08-02', '--to', '2026-12-01'];
    const r = await run(process.execPath, [
      'bin/jianhu.mjs',
      'report',
      'permit-audit',
      ...args,
      '--out',
      out,
    ]);
    expect(r.stdout).toContain('cli-audit.xlsx');
    const read = `
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
print(json.dumps([[c.value for c in r] for r in ws.iter_rows()], ensure_ascii=False))`;
    const rows: unknown[][] = JSON.parse(
      (await run('/usr/bin/python3', ['-c', read, out], { maxBuffer: 64 << 20 })).stdout,
    );
    const permits = rows.filter((x) => String(x[0]).startsWith('DH-CAMP-'));
    expect(permits).toHaveLength(sum(zezhou(), 'permits'));
    expect(new Set(permits.map((x) => x[1]))).toEqual(new Set(['甲钢铁', '乙铸造', '丁焦化']));
  }, 120_000);

  it('keeps each caller to its scope', async () => {
    // another county's regulator: not its region, not its enterprise
    expect((await call('regulator-o', `/api/audit/permits?region=zezhou&${RANGE}`)).status).toBe(404);
    expect((await call('regulator-o', `/api/audit/permits.xlsx?region=zezhou&${RANGE}`)).status).toBe(404);
    expect((await call('regulator-o', `/api/audit/permits?enterprise=ent-a&${RANGE}`)).status).toBe(404);
    expect((await call('regulator-z', `/api/audit/permits?region=no-such&${RANGE}`)).status).toBe(404);
    // the 县's regulator may ask for its 镇 alone
    const town = await call('regulator-z', `/api/audit/permits?region=zz-town&${RANGE}`);
    expect(town.body.total).toBe(seeded['ent-d']!.permits);
    // an enterprise user cannot ask for a region, not even its own
    const ent = await call('safety-a', `/api/audit/permits?region=zezhou&${RANGE}`);
    expect(ent.status).toBe(403);
    expect(ent.body.code).toBe('JH_ERR_AUTH_FORBIDDEN');
    expect((await call('safety-a', `/api/audit/permits.xlsx?region=zezhou&${RANGE}`)).status).toBe(403);
    expect((await call('safety-a', `/api/audit/permits?enterprise=ent-b&${RANGE}`)).status).toBe(404);
  });

  it('answers bad input with a coded 400', async () => {
    const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    const cases: [string, string][] = [
      [`from=${iso(NOW)}&to=${iso(NOW - DAY)}`, 'JH_ERR_AUDIT_BAD_RANGE'],
      [`from=${iso(NOW - 367 * DAY)}&to=${iso(NOW)}`, 'JH_ERR_AUDIT_BAD_RANGE'],
      [`region=zezhou&enterprise=ent-a&${RANGE}`, 'JH_ERR_AUDIT_REGION_AND_ENTERPRISE'],
      [`${RANGE}&pageSize=0`, 'JH_ERR_HTTP_VALIDATION'],
      [`${RANGE}&page=abc`, 'JH_ERR_HTTP_VALIDATION'],
      [`${RANGE}&verdict=maybe`, 'JH_ERR_HTTP_VALIDATION'],
      [`from=yesterday&to=${iso(NOW)}`, 'JH_ERR_HTTP_VALIDATION'],
    ];
    for (const [q, code] of cases) {
      const r = await call('regulator-z', `/api/audit/permits?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.code, q).toBe(code);
    }
    const x = await call(
      'regulator-z',
      `/api/audit/permits.xlsx?from=${iso(NOW - 400 * DAY)}&to=${iso(NOW)}`,
    );
    expect(x.status).toBe(400);
    expect(x.body.code).toBe('JH_ERR_AUDIT_BAD_RANGE');
    // 366 days is still fine
    const year = await call(
      'regulator-z',
      `/api/audit/permits?from=${iso(NOW - 366 * DAY)}&to=${iso(NOW)}&pageSize=1`,
    );
    expect(year.status).toBe(200);
  });
});
