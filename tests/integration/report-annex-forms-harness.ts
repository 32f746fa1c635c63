import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { startTestService, testConfigInput, type SignIn, type TestService } from '../helpers/test-service.ts';
import { jpeg } from './audit-harness.ts';

/**
 * The campaign report-annex-forms.test.ts reads, seeded through the API: four months (2026-01-01 …
 * 2026-04-30) in one region with three enterprises, and one hazard in May outside it; with the readers
 * the test checks the forms by (the CLI as a process, openpyxl for XLSX).
 */
export const run = promisify(execFile);
const DAY = 86_400_000;
const clock = new FakeClock(Date.UTC(2026, 0, 10, 2)); // 2026-01-10 10:00 Shanghai
let t: TestService;

/**
 * Every sheet: rows with dates as "date:YYYY-MM-DD" (a text cell cannot pass for one), and the JPEG
 * pictures anchored on it. openpyxl only loads pictures when Pillow is installed (Debian's
 * python3-openpyxl does not pull it in), so they are counted from the sheet's drawing part.
 */
const READ = `
import json, sys, re, datetime, zipfile, posixpath, openpyxl
path = sys.argv[1]
wb = openpyxl.load_workbook(path)
z = zipfile.ZipFile(path)
def cell(c):
    if isinstance(c.value, datetime.datetime):
        return "date:" + c.value.date().isoformat()
    return c.value
def pictures(i):
    rels = "xl/worksheets/_rels/sheet%d.xml.rels" % i
    if rels not in z.namelist(): return 0
    n = 0
    for target in re.findall(r'Target="([^"]*drawing[0-9]+\\.xml)"', z.read(rels).decode()):
        drawing = posixpath.normpath(posixpath.join("xl/worksheets", target))
        drels = posixpath.join(posixpath.dirname(drawing), "_rels", posixpath.basename(drawing) + ".rels")
        media = re.findall(r'Target="([^"]+)"', z.read(drels).decode())
        jpegs = [m for m in media if z.read(posixpath.normpath(posixpath.join(posixpath.dirname(drawing), m)))[:2] == b"\\xff\\xd8"]
        n += len(re.findall(r"<xdr:pic>", z.read(drawing).decode())) if jpegs else 0
    return n
print(json.dumps([{"title": ws.title, "images": pictures(i + 1),
  "rows": [[cell(c) for c in r] for r in ws.iter_rows()]} for i, ws in enumerate(wb.worksheets)], ensure_ascii=False))
`;
export type Sheet = { title: string; images: number; rows: unknown[][] };
export const readXlsx = async (file: string) =>
  JSON.parse((await run('/usr/bin/python3', ['-c', READ, file])).stdout) as Sheet[];

/** `jianhu report ARGS` as a real process: exit code, stdout, stderr. */
export async function jianhu(args: string[]) {
  try {
    const r = await run(process.execPath, ['bin/jianhu.mjs', 'report', ...args], { encoding: 'utf8' });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The API as `user` (signed in again when the fake clock outran the session); anything but success throws. */
export async function call(user: string, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const send = async () =>
    t.app.inject({
      method,
      url,
      headers: { authorization: await t.login(user) },
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });
  let res = await send();
  // the fake clock jumps months: a session from January has expired by March
  if (res.statusCode === 401) {
    (t.login as SignIn).forget(user);
    res = await send();
  }
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
  return String(res.headers['content-type']).startsWith('application/json') ? JSON.parse(res.body) : res;
}

const uid = (u: string) => t.services.users.byUsername(u)!.userId;
const iso = (ms: number) => new Date(ms).toISOString();

async function hazard(user: string, ent: string, stage: string, text: string, extra: object = {}) {
  const r = await call(user, 'POST', '/api/hazards', {
    enterpriseId: ent,
    source: 'inspection',
    stage,
    checker: stage === 'self_check' ? '企业安全科' : '泽州县应急管理局检查组',
    description: text,
    basis: '《工贸企业重大事故隐患判定标准》第四条',
    hazardType: '动火作业',
    photos: [await jpeg(text.length)],
    ...extra,
  });
  return r.id as number;
}

async function toMajorDispatched(user: string, id: number, deadline: number, responsible: string) {
  await call(user, 'POST', `/api/hazards/${id}/assess`, { level: 'major', reason: '评估为重大隐患' });
  await call(user, 'POST', `/api/hazards/${id}/dispatch`, {
    responsibleUserId: uid(responsible),
    reason: '派单',
    deadline: iso(deadline),
    five: {
      measures: '停产整改，更换泄爆装置',
      responsiblePerson: '张厂长',
      funds: 50_000,
      deadline: iso(deadline),
      contingencyPlan: '煤气泄漏专项预案',
    },
  });
}

/** Seeds the campaign on a fresh test service; `config` is a config file naming its store, for the CLI. */
export async function playCampaign(): Promise<{ t: TestService; config: string }> {
  const base = testConfigInput('unused');
  t = await startTestService({
    clock,
    extra: {
      enterprises: [
        { id: 'ent-a', name: '甲钢铁', regionId: 'zezhou', industry: '冶金' },
        { id: 'ent-b', name: '乙铸造', regionId: 'zezhou', industry: '冶金' },
        { id: 'ent-c', name: '丙冶金', regionId: 'zezhou', industry: '有色' },
      ],
      users: [
        ...(base.users as object[]),
        {
          username: 'safety-c',
          displayName: 'safety-c',
          role: 'safety_officer',
          enterpriseId: 'ent-c',
          password: 'test-password-1',
        },
      ],
    },
  });
  // January: the county finds a major hazard at 甲钢铁, fines it 2.5 万元, puts it under supervision;
  // rectified and reviewed on 2 February
  const a = await hazard('safety-a', 'ent-a', 'county_check', '转炉煤气区域动火未办票', {
    penaltyYuan: 25_000,
    penaltyNote: '责令限期整改',
    supervisingUnit: '晋城市应急管理局',
  });
  await toMajorDispatched('safety-a', a, clock.now() + 30 * DAY, 'guardian-a');
  clock.set(Date.UTC(2026, 1, 2, 2));
  await call('guardian-a', 'POST', `/api/hazards/${a}/rectify`, {
    photos: [await jpeg(7)],
    reason: '已整改',
  });
  await call('safety-a', 'POST', `/api/hazards/${a}/verify`, { passed: true, reason: '复核合格' });
  // February: a cross-check finds a major one at 乙铸造, still open and past its deadline
  clock.set(Date.UTC(2026, 1, 15, 2));
  const b = await hazard('safety-b', 'ent-b', 'cross_check', '熔炼炉冷却水无断水报警');
  await toMajorDispatched('safety-b', b, Date.UTC(2026, 2, 1, 2), 'admin-b');
  // March: two general ones at 丙冶金; April: the province finds a major one there
  clock.set(Date.UTC(2026, 2, 20, 2));
  await hazard('safety-c', 'ent-c', 'self_check', '灭火器过期');
  await hazard('safety-c', 'ent-c', 'cross_check', '有限空间警示标志缺失');
  clock.set(Date.UTC(2026, 3, 28, 2));
  const c = await hazard('safety-c', 'ent-c', 'province_check', '铝液包吊运区域有积水');
  await call('safety-c', 'POST', `/api/hazards/${c}/assess`, { level: 'major', reason: '评估' });
  // May: outside the campaign (not on any form over January–April)
  clock.set(Date.UTC(2026, 4, 5, 2));
  await hazard('safety-a', 'ent-a', 'self_check', '五月份的隐患');
  const config = join(t.dir, 'report-config.json');
  const { store, regions, enterprises } = t.config;
  writeFileSync(config, JSON.stringify({ store, regions, enterprises, mqtt: { embedded: false } }));
  return { t, config };
}
