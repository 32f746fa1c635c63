import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthState } from '../../src/video/ingest/types.ts';
import { jpeg, SITE_A, startAuditHarness, type AuditHarness } from './audit-harness.ts';

/**
 * One working day (2026-01-05, Beijing 08:00–15:00) through the real API: three hot-work permits,
 * camera faults, and seven hazards across two enterprises and three check stages. Camera health is
 * published as the ingest module publishes it (`camera.healthChanged` with `since` = when the fault
 * began); everything else goes through HTTP. Verdicts and the weekly table are checked against numbers
 * worked out by hand in the comments.
 */
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0); // 08:00 Beijing
const at = (h: number, m = 0, s = 0) => T0 + h * 60 * MIN + m * MIN + s * 1000;
const iso = (ms: number) => new Date(ms).toISOString();
let h: AuditHarness;
const last = new Map<string, HealthState>();

function health(cameraId: string, to: HealthState, since: number, reason: string) {
  h.services.bus.publish('camera.healthChanged', 'ent-a', {
    cameraId,
    siteId: 'site-a',
    from: last.get(cameraId) ?? null,
    to,
    reason,
    message: to,
    since: iso(since),
  });
  last.set(cameraId, to);
}

async function ok(user: string, method: 'POST' | 'PUT' | 'GET', url: string, body?: unknown) {
  const r = await h.call(user, method, url, body);
  if (r.status >= 300) throw new Error(`${method} ${url} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function permit(cameraId: string): Promise<string> {
  const p = await ok('safety-a', 'POST', '/api/permits', {
    siteId: 'site-a',
    kind: 'hot_work',
    level: 'level2',
    location: '转炉平台',
    validFrom: iso(h.clock.now()),
    validTo: iso(h.clock.now() + 8 * 60 * MIN),
    workers: ['welder-a'],
    guardian: 'guardian-a',
    cameraIds: [cameraId],
  });
  const id = p.id as string;
  await ok('safety-a', 'POST', `/api/permits/${id}/submit`);
  await ok('approver-a', 'POST', `/api/permits/${id}/approve`);
  await ok('guardian-a', 'POST', `/api/permits/${id}/gas-tests`, {
    analyst: '王分析',
    o2Pct: 20.9,
    combustiblePct: 0.1,
  });
  return id;
}

const state = async (id: string) =>
  ((await ok('safety-a', 'GET', `/api/permits/${id}`)).permit as { state: string }).state;

let p1: string, p2: string, p3: string;
const hz: Record<string, number> = {};

beforeAll(async () => {
  h = await startAuditHarness(T0);
  await ok('admin-a', 'PUT', '/api/approvers/approver-a/authority', { authority: 'safety_dept' });
  health('cam-weld', 'online', T0, 'frames_ok');
  health('cam-tank', 'online', T0, 'frames_ok');

  // P1 on cam-weld: works 00:10–02:00; the stream stalls at 01:59:40, detected at 02:00 (the gate
  // suspends then); back at 02:20, the gate resumes; completed 04:00.
  p1 = await permit('cam-weld');
  h.clock.set(at(0, 10));
  await ok('guardian-a', 'POST', `/api/permits/${p1}/start`);
  // 01:00 the AI flags a welder without a hard hat on cam-weld (the violations service, as the
  // detection pipeline calls it)
  h.clock.set(at(1));
  h.services.supervision.violations!.apply(
    { camera: SITE_A.cameras[0] as never, site: SITE_A as never, enterpriseId: 'ent-a' },
    [
      {
        kind: 'started',
        violation: {
          key: 'no_helmet|3',
          type: 'no_helmet',
          severity: 'high',
          cameraId: 'cam-weld',
          trackId: 3,
          zoneId: null,
          startTs: at(1),
          lastTs: at(1),
          endTs: null,
          box: null,
          detail: {},
        },
      },
    ],
  );
  h.clock.set(at(2));
  health('cam-weld', 'stalled', at(1, 59, 40), 'no_frames');
  expect(await state(p1)).toBe('suspended');
  h.clock.set(at(2, 20));
  health('cam-weld', 'online', at(2, 20), 'frames_ok');
  expect(await state(p1)).toBe('active');
  h.clock.set(at(4));
  await ok('guardian-a', 'POST', `/api/permits/${p1}/complete`);

  // P2 on cam-tank: 04:10–05:10, camera fine throughout.
  p2 = await permit('cam-tank');
  h.clock.set(at(4, 10));
  await ok('guardian-a', 'POST', `/api/permits/${p2}/start`);
  h.clock.set(at(5, 10));
  await ok('guardian-a', 'POST', `/api/permits/${p2}/complete`);

  // P3 on cam-tank: 05:30–06:10; the picture freezes at 06:00 but is only recognised at 06:10.
  h.clock.set(at(5, 20));
  p3 = await permit('cam-tank');
  h.clock.set(at(5, 30));
  await ok('guardian-a', 'POST', `/api/permits/${p3}/start`);
  h.clock.set(at(6, 10));
  health('cam-tank', 'frozen', at(6), 'identical_frames');
  expect(await state(p3)).toBe('suspended');
  h.clock.set(at(6, 20));
  await ok('safety-a', 'POST', `/api/permits/${p3}/revoke`, { reason: '监控长时间中断，撤销作业票' });

  // Hazards (found today unless said otherwise).
  const uid = (u: string) => h.services.users.byUsername(u)!.userId;
  const reg = async (user: string, ent: string, stage: string, extra: Record<string, unknown> = {}) =>
    (
      await ok(user, 'POST', '/api/hazards', {
        enterpriseId: ent,
        source: 'inspection',
        stage,
        checker: stage === 'self_check' ? '企业安全科' : '县应急管理局',
        description: `隐患 ${Object.keys(hz).length + 1}`,
        basis: '《工贸企业重大事故隐患判定标准》',
        hazardType: '动火作业',
        photos: [await jpeg(Object.keys(hz).length)],
        ...extra,
      })
    ).id as number;
  const loop = async (
    id: string | number,
    level: 'general' | 'major',
    upTo: 'dispatched' | 'verified' | 'closed',
  ) => {
    await ok('safety-a', 'POST', `/api/hazards/${id}/assess`, { level, reason: '评估' });
    await ok('safety-a', 'POST', `/api/hazards/${id}/dispatch`, {
      responsibleUserId: uid('guardian-a'),
      reason: '派单',
      five: {
        measures: '停止作业并整改',
        responsiblePerson: '李厂长',
        funds: 10000,
        deadline: iso(h.clock.now() + 72 * 60 * MIN),
        contingencyPlan: '专项应急预案',
      },
      deadline: iso(h.clock.now() + 72 * 60 * MIN),
    });
    if (upTo === 'dispatched') return;
    await ok('guardian-a', 'POST', `/api/hazards/${id}/rectify`, {
      photos: [await jpeg(99)],
      reason: '已整改',
    });
    await ok('safety-a', 'POST', `/api/hazards/${id}/verify`, { passed: true, reason: '复核合格' });
    if (upTo === 'closed') await ok('admin-a', 'POST', `/api/hazards/${id}/close`, { reason: '销号' });
  };
  h.clock.set(at(6, 30));
  hz.H7 = await reg('safety-a', 'ent-a', 'self_check', { foundAt: '2026-01-01T02:00:00Z' }); // found last week
  hz.H1 = await reg('safety-a', 'ent-a', 'self_check');
  hz.H2 = await reg('safety-a', 'ent-a', 'self_check');
  hz.H3 = await reg('safety-a', 'ent-a', 'county_check', { penaltyYuan: 5000, penaltyNote: '责令整改' });
  hz.H4 = await reg('safety-a', 'ent-a', 'cross_check');
  hz.H5 = await reg('safety-a', 'ent-a', 'county_check', {
    penaltyYuan: 20000,
    supervisingUnit: '泽州县应急管理局',
  });
  hz.H6 = await reg('safety-b', 'ent-b', 'self_check');
  await loop(hz.H7, 'general', 'verified');
  await loop(hz.H1, 'general', 'verified');
  await loop(hz.H2, 'major', 'dispatched');
  await loop(hz.H4, 'general', 'closed');
  await loop(hz.H5, 'major', 'verified');
  h.clock.set(at(7));
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
