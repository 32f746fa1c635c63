import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

// A regulator's 执法检查 reaches the annex forms: the finding's row in 附件2 carries the inspection's
// 挂牌督办单位 and 行政处罚 (in 万元), and 附件1 counts the inspection's fine once, not once per finding.
let t: TestService;

async function call(user: string, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const res = await t.app.inject({
    method,
    url,
    headers: { authorization: await t.login(user) },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

// the last noon in Beijing: the inspection an hour before "now" then falls on the report's day whatever
// the time of the run (between 00:00 and 01:00 Beijing it fell on the day before and the test failed)
const DAY = 86_400_000;
const lastBeijingNoon = (now: number): number => {
  const noon = Math.floor((now + 8 * 3_600_000) / DAY) * DAY + 4 * 3_600_000;
  return noon > now ? noon - DAY : noon;
};

beforeAll(async () => {
  t = await startTestService({ clock: new FakeClock(lastBeijingNoon(Date.now())) });
});
afterAll(async () => t?.close());

describe('执法检查 in the annex forms', () => {
  it('shows the inspection’s 督办单位 and penalty on its major finding, and sums the fine once', async () => {
    const inspectedAt = new Date(t.clock.now() - 3_600_000).toISOString();
    const created = await call('regulator-z', 'POST', '/api/inspections', {
      enterpriseId: 'ent-a',
      inspectors: ['李检查', '王检查'],
      inspectedAt,
      stage: 'county_check',
      checkingUnit: '泽州县应急管理局',
      penaltyText: '责令限期整改',
      penaltyWanYuan: 1.5,
      supervised: true,
      supervisingUnit: '泽州县安委办',
      findings: [
        { description: '煤气区域未设置一氧化碳报警仪', hazardType: 'gas' },
        { description: '动火点未清除可燃物', hazardType: 'hot_work' },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const hazards = (await call('safety-a', 'GET', '/api/hazards?enterprise=ent-a')).body.items as {
      id: number;
      description: string;
    }[];
    const gas = hazards.find((h) => h.description.startsWith('煤气区域'))!;
    const assessed = await call('safety-a', 'POST', `/api/hazards/${gas.id}/assess`, {
      level: 'major',
      reason: '重大事故隐患判定标准',
    });
    expect(assessed.status, JSON.stringify(assessed.body)).toBe(200);

    const day = new Date(t.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const q = `enterprise=ent-a&from=${day}&to=${day}`;
    const ledger = (await call('regulator-z', 'GET', `/api/reports/major-ledger?${q}`)).body as {
      sections: { rows: unknown[][] }[];
    };
    const row = ledger.sections[0]!.rows.find((r) => String(r[7]).startsWith('煤气区域'))!;
    expect(row[4]).toBe('市县检查'); // 检查环节
    expect(row[5]).toContain('泽州县应急管理局'); // 检查单位 (with the inspectors)
    expect(row[9]).toBe('泽州县安委办'); // 挂牌督办单位
    expect(row[10]).toBe('罚款1.5万元；责令限期整改'); // 行政处罚情况

    const weekly = (await call('regulator-z', 'GET', `/api/reports/weekly?${q}`)).body as {
      headers: string[];
      sections: { rows: unknown[][] }[];
    };
    const jia = weekly.sections[0]!.rows.find((r) => r[1] === '甲钢铁')!;
    const col = (name: string) => weekly.headers.indexOf(name);
    // 市县检查: two findings, one of them major; one penalty of 1.5 万元, counted once
    expect(jia.slice(7, 11)).toEqual([1, 0, 1, 0]);
    expect([jia[col('处罚（次）')], jia[col('罚款（万元）')]]).toEqual([1, 1.5]);
  });
});
