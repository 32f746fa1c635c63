import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { validateHubConfig } from '../../src/hub/config.ts';
import { startHub, type RunningHub } from '../../src/hub/hub.ts';
import type { HubLink } from '../../src/platform/uplink/hub-link.ts';
import { startHubUplink } from '../../src/hub-uplink.ts';
import { LEDGER_HEADERS } from '../../src/oversight/reports/forms/ledger-form.ts';
import { TestNatsServer } from '../helpers/nats-server.ts';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster.ts';
import { startTestService, TEST_PASSWORD, type TestService } from '../helpers/test-service.ts';
import { HUB_TEST_PASSWORD, hubConfigInput, waitFor } from '../helpers/hub-sim.ts';
import { jpeg } from './audit-harness.ts';

/**
 * The annex forms across a region at the county hub (issue #24): hazards registered on two real
 * boxes (their own SQLite stores, shipped through the uplink over a real nats-server) appear in one
 * region's 附件2 at the hub, built from the hub's PostgreSQL read model by the boxes' own builders;
 * the XLSX is read back by a third party (Debian's python3-openpyxl).
 */
const run = promisify(execFile);
let pgc: PgCluster;
let nats: TestNatsServer;
let hub: RunningHub;
let db: pg.Pool;
const boxes: { id: string; ent: string; t: TestService; link: HubLink }[] = [];

const READ = `
import json, sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
def cell(c):
    if isinstance(c.value, datetime.datetime): return "date:" + c.value.date().isoformat()
    return c.value
print(json.dumps([[[cell(c) for c in r] for r in ws.iter_rows()] for ws in wb.worksheets], ensure_ascii=False))
`;
/** the hazard-list XLSX's JPEG files and the text of its 现场证据 cells */
const PICTURES = `
import json, sys, zipfile, openpyxl
z = zipfile.ZipFile(sys.argv[1])
jpegs = [n for n in z.namelist() if n.startswith("xl/media/") and z.read(n)[:2] == b"\\xff\\xd8"]
cells = [r[2] for ws in openpyxl.load_workbook(sys.argv[1]).worksheets for r in ws.iter_rows(values_only=True) if isinstance(r[0], int)]
print(json.dumps({"jpegs": len(jpegs), "cells": cells}, ensure_ascii=False))
`;
async function hazardListXlsx(): Promise<{ jpegs: number; cells: (string | null)[] }> {
  const day = today();
  const res = await hubGet('reg-z', `/api/hub/reports/hazard-list?from=${day}&to=${day}&format=xlsx`);
  expect(res.status).toBe(200);
  const file = join(mkdtempSync(join(tmpdir(), 'jianhu-hub-form-')), 'list.xlsx');
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return JSON.parse((await run('/usr/bin/python3', ['-c', PICTURES, file])).stdout);
}

/** today in Asia/Shanghai, YYYY-MM-DD */
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

async function startBox(id: string, ent: string, site: string) {
  const user = (username: string, role: string) => ({
    username,
    displayName: username,
    role,
    password: TEST_PASSWORD,
    enterpriseId: ent,
  });
  const t = await startTestService({
    extra: {
      enterprises: [{ id: ent, name: ent, regionId: 'zezhou' }],
      sites: [{ id: site, name: site, enterpriseId: ent, cameras: [] }],
      users: [
        user(`safety-${id}`, 'safety_officer'),
        user(`guardian-${id}`, 'guardian'),
        {
          username: `regulator-${id}`,
          displayName: '县局',
          role: 'regulator',
          password: TEST_PASSWORD,
          regionId: 'zezhou',
        },
      ],
      hub: {
        servers: [nats.url],
        boxId: id,
        nkeySeedFile: nats.boxUsers.get(id)!.seedFile,
        publishTimeoutMs: 1000,
        retryStepsMs: [100, 200, 500],
      },
    },
  });
  return { id, ent, t, link: startHubUplink(t.services)! };
}

async function boxCall(b: (typeof boxes)[number], user: string, url: string, payload: object) {
  const res = await b.t.app.inject({
    method: 'POST',
    url,
    headers: { authorization: await b.t.login(user) },
    payload: payload as Record<string, unknown>,
  });
  if (res.statusCode >= 300) throw new Error(`${url} → ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body) as { id: number };
}

/** a major hazard on a box: registered with a photo, assessed, and (with `five`) dispatched */
async function majorHazard(b: (typeof boxes)[number], text: string, extra: object, dispatch: boolean) {
  const safety = `safety-${b.id}`;
  const { id } = await boxCall(b, safety, '/api/hazards', {
    enterpriseId: b.ent,
    source: 'inspection',
    stage: 'county_check',
    checker: '泽州县应急管理局检查组',
    description: text,
    basis: '《工贸企业重大事故隐患判定标准》第四条',
    hazardType: '动火作业',
    photos: [await jpeg(text.length)],
    ...extra,
  });
  await boxCall(b, safety, `/api/hazards/${id}/assess`, { level: 'major', reason: '评估为重大隐患' });
  if (dispatch) {
    const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString();
    await boxCall(b, safety, `/api/hazards/${id}/dispatch`, {
      responsibleUserId: b.t.services.users.byUsername(`guardian-${b.id}`)!.userId,
      reason: '派单',
      deadline,
      five: {
        measures: '停产整改，更换泄爆装置',
        responsiblePerson: '张厂长',
        funds: 50_000,
        deadline,
        contingencyPlan: '煤气泄漏专项预案',
      },
    });
  }
}

async function hubToken(username: string): Promise<string> {
  const r = await fetch(`${hub.url}/api/hub/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: HUB_TEST_PASSWORD }),
  });
  return ((await r.json()) as { token: string }).token;
}
const hubGet = async (username: string, path: string) =>
  fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${await hubToken(username)}` } });

beforeAll(async () => {
  pgc = await startPgCluster();
  nats = new TestNatsServer([
    { boxId: 'box-a', enterprises: ['ent-a'] },
    { boxId: 'box-b', enterprises: ['ent-b'] },
  ]);
  await nats.start();
  db = new pg.Pool({ connectionString: pgc.url, max: 2 });
  const input = hubConfigInput(nats.url, pgc.url, {
    nats: { url: nats.url, nkeySeedFile: nats.hub.seedFile },
  }) as Record<string, unknown> & { enterprises: Record<string, unknown>[] };
  input.enterprises = input.enterprises.map((e) => ({ ...e, industry: e.id === 'ent-a' ? '冶金' : '铸造' }));
  hub = await startHub(validateHubConfig(input, {}));
  boxes.push(await startBox('box-a', 'ent-a', 'site-a'), await startBox('box-b', 'ent-b', 'site-b'));
  await majorHazard(
    boxes[0]!,
    '转炉煤气区域动火未办票',
    {
      penaltyYuan: 25_000,
      penaltyNote: '责令限期整改',
      supervisingUnit: '晋城市应急管理局',
      location: '二号转炉',
    },
    true,
  );
  await majorHazard(boxes[1]!, '熔炼炉冷却水无断水报警', {}, false);
  // a county 执法检查 on box-b: fined 1.2 万元 and put under supervision; its finding is a hazard of
  // 乙铸造, assessed major by the enterprise. The forms read 督办 and 处罚 from the record, as on the box.
  const b = boxes[1]!;
  const insp = await boxCall(b, 'regulator-box-b', '/api/inspections', {
    enterpriseId: 'ent-b',
    inspectors: ['王检查'],
    inspectedAt: new Date(Date.now() - 60_000).toISOString(),
    stage: 'county_check',
    checkingUnit: '泽州县应急管理局',
    penaltyWanYuan: 1.2,
    penaltyText: '责令停产整顿',
    supervised: true,
    supervisingUnit: '泽州县人民政府',
    findings: [{ description: '煤气柜无泄漏报警', hazardType: '煤气' }],
  });
  const found = b.t.services.db
    .prepare('SELECT hazard_id AS id FROM inspection_findings WHERE inspection_id = ?')
    .get(insp.id) as { id: number };
  await boxCall(b, 'safety-box-b', `/api/hazards/${found.id}/assess`, { level: 'major', reason: '评估' });
  await waitFor(
    'both boxes hazards at the hub',
    async () => {
      const r = await db.query("SELECT count(*)::int AS n FROM hub_hazards WHERE level = 'major'");
      const steps = await db.query('SELECT count(*)::int AS n FROM hub_hazard_steps');
      const insp = await db.query('SELECT count(*)::int AS n FROM hub_inspection_findings');
      return r.rows[0].n === 3 && steps.rows[0].n === 7 && insp.rows[0].n === 1 ? true : undefined;
    },
    60_000,
  );
}, 180_000);

afterAll(async () => {
  for (const b of boxes) {
    await b.link.stop();
    await b.t.close();
  }
  await hub?.stop();
  await db?.end();
  await nats?.close();
  await pgc?.stop();
});

describe('the annex forms across a region at the hub', () => {
  it("附件2 XLSX: both boxes' enterprises, the 13 columns, dates as dates", async () => {
    const day = today();
    const res = await hubGet('reg-z', `/api/hub/reports/major-ledger?from=${day}&to=${day}&format=xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`major-ledger-${day}-${day}.xlsx`);
    const file = join(mkdtempSync(join(tmpdir(), 'jianhu-hub-form-')), 'ledger.xlsx');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const [sheet] = JSON.parse((await run('/usr/bin/python3', ['-c', READ, file])).stdout) as unknown[][][];
    const at = sheet!.findIndex((r) => r[0] === '序号');
    expect(sheet![at]).toEqual([...LEDGER_HEADERS]);
    const rows = sheet!.slice(at + 1).filter((r) => typeof r[0] === 'number');
    expect(rows.map((r) => r[1]).sort()).toEqual(['乙铸造', '乙铸造', '甲钢铁']);
    const a = rows.find((r) => r[1] === '甲钢铁')!;
    const b = rows.find((r) => r[7] === '熔炼炉冷却水无断水报警')!;
    const inspected = rows.find((r) => r[7] === '煤气柜无泄漏报警')!;
    expect([inspected[9], inspected[10]]).toEqual(['泽州县人民政府', '罚款1.2万元；责令停产整顿']);
    expect(a.slice(2, 8)).toEqual([
      '泽州县',
      '冶金',
      '市县检查',
      '泽州县应急管理局检查组',
      `date:${day}`,
      '转炉煤气区域动火未办票',
    ]);
    expect(b[6]).toBe(`date:${day}`);
    // what the boxes shipped on registration and dispatch: 整改措施, 挂牌督办, 行政处罚, 五到位 in 备注
    expect(a[8]).toBe('停产整改，更换泄爆装置');
    expect(a[9]).toBe('晋城市应急管理局');
    expect(a[10]).toBe('罚款2.5万元；责令限期整改');
    expect(String(a[11])).toMatch(/^整改中（期限/);
    expect(String(a[12])).toContain('部位：二号转炉；责任人：张厂长；资金：5万元');
    expect(b[11]).toBe('未整改');
    expect(b[9]).toBeNull();
  });

  it('the same builders as the box: 附件5 names the photo on the box, 附件1 counts both', async () => {
    const day = today();
    const list = await (await hubGet('reg-z', `/api/hub/reports/hazard-list?from=${day}&to=${day}`)).json();
    expect(list.annex).toBe('附件5');
    const photos = list.sections.flatMap((s: { rows: unknown[][] }) => s.rows.map((r) => r[2]));
    expect(photos.sort()).toEqual([null, '照片见企业端', '照片见企业端']);
    const weekly = await (await hubGet('reg-z', `/api/hub/reports/weekly?from=${day}&to=${day}`)).json();
    const total = weekly.sections[0].rows.at(-1);
    expect(total[0]).toBe('合计');
    // 市县检查's 发现重大隐患 column: one at 甲, two at 乙; penalties: 甲's hazard and 乙's inspection
    expect(total[3 + 4 + 2]).toBe(3);
    expect(total.slice(-3, -1)).toEqual([2, 3.7]);
    const pdf = await hubGet('reg-z', `/api/hub/reports/cross-check?from=${day}&to=${day}&format=pdf`);
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it("scoped to the regulator's region: another region is 404, a bad range a coded 400", async () => {
    const day = today();
    const other = await hubGet('reg-o', `/api/hub/reports/major-ledger?from=${day}&to=${day}`);
    expect(other.status).toBe(200);
    expect((await other.json()).total).toBe(0);
    const probe = await hubGet('reg-o', `/api/hub/reports/major-ledger?from=${day}&to=${day}&region=zezhou`);
    expect(probe.status).toBe(404);
    expect((await probe.json()).code).toBe('JH_ERR_HUB_NOT_FOUND');
    const bad = await hubGet('reg-z', `/api/hub/reports/weekly?from=${day}&to=2020-01-01`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).code).toBe('JH_ERR_REPORT_BAD_RANGE');
    const feb30 = await hubGet('reg-z', '/api/hub/reports/weekly?from=2026-02-01&to=2026-02-30&format=csv');
    expect((await feb30.json()).code).toBe('JH_ERR_REPORT_BAD_RANGE');
    const anon = await fetch(`${hub.url}/api/hub/reports/weekly?from=${day}&to=${day}`);
    expect(anon.status).toBe(401);
  });

  it('附件5 XLSX embeds the photos asked of the boxes (chain-checked); an offline box leaves 照片见企业端', async () => {
    const online = await hazardListXlsx();
    expect(online.jpegs).toBe(2);
    expect(online.cells.filter((c) => c === '照片见企业端')).toEqual([]);
    await boxes[1]!.link.stop();
    const offline = await hazardListXlsx();
    expect(offline.jpegs).toBe(1);
    expect(offline.cells.filter((c) => c === '照片见企业端')).toHaveLength(1);
  });
});
