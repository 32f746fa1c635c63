import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startPermitsHarness, type PermitsHarness } from './permits-harness.ts';

// 特种作业人员台账 as XLSX, read back by a third party (Debian's python3-openpyxl): the header row the
// regulator expects and real date cells showing the days written on the cards.
const run = promisify(execFile);
let h: PermitsHarness;
let dir: string;

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
async function readXlsx(file: string): Promise<{ title: string; rows: unknown[][] }> {
  const { stdout } = await run('/usr/bin/python3', ['-c', READ, file]);
  return JSON.parse(stdout) as { title: string; rows: unknown[][] };
}

const HEADER = ['序号', '姓名', '作业类别', '证书编号', '发证日期', '有效期至', '复审日期', '状态'];

beforeAll(async () => {
  h = await startPermitsHarness({ certified: [] }); // 2026-01-05 10:00 Shanghai
  dir = h.services.config.store.dataDir;
  const cards = [
    { number: 'W-VALID', issuedAt: '2024-01-01', expiresAt: '2029-12-31' },
    { number: 'W-OLD', issuedAt: '2019-07-01', expiresAt: '2025-06-30' },
    { number: 'H-REVIEW', category: '高处作业', issuedAt: '2021-03-01', expiresAt: '2027-02-28' },
    {
      number: 'E-SOON',
      category: '电工作业',
      issuedAt: '2020-02-01',
      expiresAt: '2026-01-20',
      reviewDueAt: '2026-01-31',
    },
  ];
  for (const c of cards) {
    const r = await call(h, 'safety-a', 'POST', '/api/certificates', { username: 'welder-a', ...c });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  const other = await call(h, 'safety-b', 'POST', '/api/certificates', {
    username: 'admin-b',
    number: 'B-0001',
    issuedAt: '2024-01-01',
    expiresAt: '2029-12-31',
  });
  expect(other.status).toBe(201);
});
afterAll(async () => h?.close());

function expectLedger(x: { title: string; rows: unknown[][] }) {
  expect(x.title).toBe('特种作业人员台账');
  expect(String(x.rows[0]![0])).toContain('特种作业人员台账');
  expect(x.rows[1]).toEqual(HEADER);
  const body = x.rows.slice(2).filter((r) => typeof r[0] === 'number');
  expect(body.map((r) => r[3])).toEqual(['E-SOON', 'H-REVIEW', 'W-VALID', 'W-OLD']); // by category under one name
  const byNumber = Object.fromEntries(body.map((r) => [r[3], r]));
  expect(byNumber['W-VALID']).toEqual([
    3,
    'welder-a',
    '焊接与热切割作业',
    'W-VALID',
    'date:2024-01-01',
    'date:2029-12-31',
    'date:2027-01-01',
    '有效',
  ]);
  expect(byNumber['W-OLD']!.slice(5)).toEqual(['date:2025-06-30', 'date:2022-07-01', '已过期']);
  expect(byNumber['H-REVIEW']!.slice(6)).toEqual(['date:2024-03-01', '待复审']);
  expect(byNumber['E-SOON']!.slice(5)).toEqual(['date:2026-01-20', 'date:2026-01-31', '将到期']);
  // another enterprise's card never appears
  expect(JSON.stringify(x.rows)).not.toContain('B-0001');
}

describe('特种作业人员台账', () => {
  it('GET /api/certificates/ledger.xlsx: header row and real date cells, read by openpyxl', async () => {
    const res = await h.app.inject({
      url: '/api/certificates/ledger.xlsx',
      headers: { authorization: await h.login('safety-a') },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const file = join(dir, 'ledger-api.xlsx');
    writeFileSync(file, res.rawPayload);
    expectLedger(await readXlsx(file));
    const welder = await call(h, 'welder-a', 'GET', '/api/certificates/ledger.xlsx');
    expect(welder.body.code).toBe('JH_ERR_AUTH_FORBIDDEN');
    const foreign = await call(h, 'safety-a', 'GET', '/api/certificates/ledger.xlsx?enterprise=ent-b');
    expect(foreign.status).toBe(404);
  });

  it('jianhu certificates ledger --config F --out FILE writes the same ledger offline', async () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ store: h.services.config.store, mqtt: { embedded: false } }));
    const out = join(dir, 'ledger-cli.xlsx');
    const { stdout } = await run('node', [
      'bin/jianhu.mjs',
      'certificates',
      'ledger',
      '--config',
      config,
      '--enterprise',
      'ent-a',
      '--as-of', // the harness's clock, not the machine's
      new Date(h.clock.now()).toISOString(),
      '--out',
      out,
    ]);
    expect(stdout).toContain('4 certificate(s)');
    expectLedger(await readXlsx(out));
  });
});
