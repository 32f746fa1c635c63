import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditHarness } from './audit-harness.ts';
import { at, iso, ok, playReportsDay } from './reports-day-harness.ts';

/**
 * One working day (2026-01-05, Beijing 08:00–15:00) through the real API, played by
 * reports-day-harness.ts: three hot-work permits, camera faults, and seven hazards across two
 * enterprises and three check stages. Verdicts and the weekly table are checked against numbers worked
 * out by hand in the comments.
 */
let h: AuditHarness;
let p1: string, p2: string, p3: string;

beforeAll(async () => {
  ({ h, p1, p2, p3 } = await playReportsDay());
});
afterAll(async () => h?.close());

const WEEK = 'from=2026-01-05T00:00:00Z&to=2026-01-12T00:00:00Z';

describe('a day of activity: permit audit verdicts', () => {
  it('gives each permit its coverage, gaps with causes, and verdict', async () => {
    const r = await ok(
      'regulator-z',
      'GET',
      '/api/audit/permits?enterprise=ent-a&from=2026-01-05T00:00:00Z&to=2026-01-06T00:00:00Z',
    );
    const rows = r.permits as {
      permitId: string;
      coverage: Record<string, unknown>;
      gaps: Record<string, unknown>[];
      windows: unknown[];
    }[];
    const by = Object.fromEntries(rows.map((x) => [x.permitId, x]));
    // P1: work 110 + 100 = 210 min = 12 600 s; unwatched 01:59:40–02:00 = 20 s → 12 580 / 12 600 = 99.84 %
    expect(by[p1]!.windows).toHaveLength(2);
    expect(by[p1]!.coverage).toMatchObject({
      workMs: 12_600_000,
      monitoredMs: 12_580_000,
      coveragePct: 99.84,
      verdict: 'gaps',
    });
    expect(by[p1]!.gaps).toEqual([
      expect.objectContaining({
        start: iso(at(1, 59, 40)),
        end: iso(at(2)),
        durationMs: 20_000,
        cause: 'cam-weld stalled (no_frames)',
      }),
    ]);
    // the no-hard-hat violation at 01:00 and the gas test belong to P1's audit row
    const p1row = by[p1] as unknown as {
      violations: { type: string; cameraId: string; at: string }[];
      events: { type: string }[];
    };
    expect(p1row.violations).toEqual([
      expect.objectContaining({ type: 'violation.started', cameraId: 'cam-weld', at: iso(at(1)) }),
    ]);
    expect(p1row.events.map((e) => e.type)).toContain('permit.gasTested');
    expect((by[p2] as unknown as { violations: unknown[] }).violations).toEqual([]);
    // P2: 60 min, all watched
    expect(by[p2]!.coverage).toMatchObject({
      workMs: 3_600_000,
      coveragePct: 100,
      verdict: 'fully_monitored',
    });
    // P3: 40 min, 10 unwatched (06:00–06:10) → 75 %, gap over 5 min → work without monitoring
    expect(by[p3]!.coverage).toMatchObject({
      workMs: 2_400_000,
      monitoredMs: 1_800_000,
      coveragePct: 75,
      verdict: 'work_without_monitoring',
    });
    expect(by[p3]!.gaps[0]).toMatchObject({
      cause: 'cam-tank frozen (identical_frames)',
      durationMs: 600_000,
    });
    // summary: 310 min of work, 10 min 20 s unwatched → 17 980 / 18 600 = 96.67 %
    expect(r.summary).toMatchObject({
      permits: 3,
      fully_monitored: 1,
      gaps: 1,
      work_without_monitoring: 1,
      coveragePct: 96.67,
    });
  });

  it('keeps regulators to their region and rejects bad ranges with a code', async () => {
    expect((await h.call('regulator-o', 'GET', `/api/audit/permits?enterprise=ent-a&${WEEK}`)).status).toBe(
      404,
    );
    expect(
      (
        await h.call(
          'regulator-z',
          'GET',
          '/api/audit/permits?from=2026-01-06T00:00:00Z&to=2026-01-05T00:00:00Z',
        )
      ).body.code,
    ).toBe('JH_ERR_AUDIT_BAD_RANGE');
    expect((await h.call('welder-a', 'GET', `/api/audit/permits?${WEEK}`)).status).toBe(403);
  });
});

describe('a day of activity: regulator forms', () => {
  // ent-a, by stage: [general found, general rectified, major found, major rectified]
  //   self_check:   H1 found; H1 + H7 (found last week) rectified; H2 major found, not rectified → 1, 2, 1, 0
  //   county_check: H3 unassessed (counts general); H5 major found and rectified          → 1, 0, 1, 1
  //   cross_check:  H4 found and rectified (then closed)                                   → 1, 1, 0, 0
  //   penalties: H3 5 000 + H5 20 000 元 → 2, 2.5 万元
  // ent-b: H6 self_check general found → 1, 0, 0, 0 …
  const entA = [1, '甲钢铁', '泽州县', 1, 2, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 2, 2.5, null];
  const entB = [2, '乙铸造', '泽州县', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null];
  const total = ['合计', null, null, 2, 2, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 2, 2.5, null];

  it('computes 附件1 周调度统计表', async () => {
    const t = await ok('regulator-z', 'GET', `/api/reports/weekly?${WEEK}`);
    expect(t.annex).toBe('附件1');
    const [section] = t.sections as { headerLines: string[][]; rows: unknown[][] }[];
    expect(section!.rows).toEqual([entA, entB, total]);
    expect(section!.headerLines[0]![0]).toBe('填报单位：泽州县');
    expect((t.headers as string[]).slice(0, 5)).toEqual([
      '序号',
      '企业名称',
      '所在市（县、区）',
      '发现一般隐患',
      '整改一般隐患',
    ]);
    expect((t.headers as string[]).slice(-3)).toEqual(['处罚（次）', '罚款（万元）', '备注']);
  });

  it('exports it as XLSX with real cells and Chinese headers, and as CSV with a BOM', async () => {
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/reports/weekly?${WEEK}&format=xlsx`,
      headers: { authorization: await h.login('regulator-z') },
    });
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as never);
    const ws = wb.getWorksheet('周调度统计表')!;
    expect(ws.getCell('A1').value).toBe('附件1');
    expect(ws.getCell('A2').value).toBe('周调度统计表');
    expect(ws.getCell('A3').value).toBe('填报单位：泽州县');
    expect(ws.getCell('D5').value).toBe('企业自查');
    expect(ws.getCell('P5').value).toBe('行政处罚');
    const values = (r: number) => (ws.getRow(r).values as unknown[]).slice(1);
    expect(values(6)[0]).toBe('序号');
    expect(values(6)).toHaveLength(18);
    expect(values(7).slice(0, 17)).toEqual(entA.slice(0, 17));
    expect(typeof values(7)[3]).toBe('number'); // a number cell, not text
    expect(values(9).slice(0, 17)).toEqual([total[0], undefined, undefined, ...total.slice(3, 17)]);

    const csv = await h.app.inject({
      method: 'GET',
      url: `/api/reports/weekly?${WEEK}&format=csv`,
      headers: { authorization: await h.login('regulator-z') },
    });
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[1]).toBe(entA.join(','));
  });

  it('lists major hazards in 附件2 with 五到位, and every hazard in 附件5 with its photo', async () => {
    const ledger = await ok(
      'safety-a',
      'GET',
      `/api/reports/major-ledger?enterprise=ent-a&${WEEK}&format=json`,
    );
    const rows = (ledger.sections as { rows: unknown[][] }[])[0]!.rows;
    expect(rows.map((r) => r[7])).toEqual(['隐患 3', '隐患 6']); // H2, H5 (descriptions by registration order)
    expect(rows.map((r) => r[6])).toEqual(['2026-01-05', '2026-01-05']);
    expect(rows[0]![8]).toBe('停止作业并整改');
    expect(rows[0]![12]).toContain('责任人：李厂长；资金：1万元');
    expect(rows.map((r) => r[11])).toEqual(['整改中（期限2026年1月8日）', '已完成整改（2026年1月5日复核）']);
    expect(rows[1]!.slice(9, 11)).toEqual(['泽州县应急管理局', '罚款2万元']);
    expect(rows[0]!.slice(9, 11)).toEqual([null, null]);
    const list = await ok('safety-a', 'GET', `/api/reports/hazard-list?enterprise=ent-a&${WEEK}`);
    expect(list.headers).toEqual(['序号', '隐患描述', '现场证据', '判定依据', '隐患类型', '备注']);
    const sections = list.sections as { headerLines: string[][]; rows: unknown[][] }[];
    expect(sections.map((s) => s.headerLines[0])).toEqual([['企业名称：甲钢铁', '检查时间：2026年1月5日']]);
    expect(sections[0]!.rows.length).toBe(5); // H1–H5 (H7 was found last week)
    expect(sections[0]!.rows[0]![2]).toMatch(/^\/api\/hazards\/\d+\/photos\/\d+$/);
    expect(
      (await h.call('safety-b', 'GET', `/api/reports/hazard-list?enterprise=ent-a&${WEEK}`)).status,
    ).toBe(404);
    expect((await h.call('guardian-a', 'GET', `/api/reports/hazard-list?${WEEK}`)).status).toBe(403);
  });

  it('grades enterprise risk by the documented formula', async () => {
    const r = await ok('regulator-z', 'GET', '/api/reports/risk-grades');
    const [a, b] = r.items as {
      enterpriseId: string;
      grade: string;
      score: number;
      inputs: Record<string, number>;
    }[];
    // ent-a: open H2 (major) + H3 (unassessed) → 30 + 3; the no-hard-hat violation → 1;
    // coverage 96.67 % → (100 − 96.67) × 0.5 = 1.665; total 35.665
    expect(a!.inputs).toEqual({
      openMajor: 1,
      openGeneral: 1,
      overdue: 0,
      violations: 1,
      coveragePct: 96.67,
    });
    expect(a!.score).toBeCloseTo(35.67, 1);
    expect(a!.grade).toBe('B');
    // ent-b: one open general hazard, no permits → 3 → D (blue)
    expect(b).toMatchObject({ enterpriseId: 'ent-b', score: 3, grade: 'D', color: 'blue', colorZh: '蓝' });
  });
});
