import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestService } from '../helpers/test-service.ts';
import { call, jianhu, playCampaign, readXlsx, run } from './report-annex-forms-harness.ts';

/**
 * A four-month campaign (2026-01-01 … 2026-04-30) in one region with three enterprises, seeded through
 * the API (report-annex-forms-harness.ts); then `jianhu report FORM --region zezhou` writes the annex
 * forms, read back by a third party (Debian's python3-openpyxl for XLSX, poppler's pdftotext for PDF).
 */
let t: TestService;
let config: string;

beforeAll(async () => {
  ({ t, config } = await playCampaign());
});
afterAll(async () => t?.close());

const CAMPAIGN = ['--config', '', '--region', 'zezhou', '--from', '2026-01-01', '--to', '2026-04-30'];
const campaign = () => CAMPAIGN.map((a) => a || config);

describe('jianhu report: the annex forms over a four-month campaign', () => {
  it(
    'major-ledger: 附件2 with exactly its 13 columns, real dates, all three enterprises',
    { timeout: 120_000 },
    async () => {
      const out = join(t.dir, 'ledger.xlsx');
      const r = await jianhu(['major-ledger', ...campaign(), '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const [ws] = await readXlsx(out);
      expect(ws!.rows[0]![0]).toBe('附件2');
      expect(ws!.rows[1]![0]).toBe('重大事故隐患台账');
      expect(ws!.rows[2]).toContain('填报单位：泽州县');
      expect(ws!.rows[3]![0]).toBe('统计时段：2026年1月1日至2026年4月30日');
      const header = ws!.rows[4];
      expect(header).toEqual([
        '序号',
        '企业名称',
        '所在市（县、区）',
        '行业类别',
        '检查环节',
        '检查单位',
        '检查时间',
        '重大隐患明细',
        '整改措施',
        '挂牌督办单位',
        '行政处罚情况',
        '整改完成情况',
        '备注',
      ]);
      const body = ws!.rows.slice(5).filter((x) => typeof x[0] === 'number');
      expect(body.map((x) => x[1])).toEqual(['甲钢铁', '乙铸造', '丙冶金']);
      expect(body.map((x) => x[4])).toEqual(['市县检查', '交叉检查', '省级督查']);
      expect(body.map((x) => x[6])).toEqual(['date:2026-01-10', 'date:2026-02-15', 'date:2026-04-28']);
      expect(body[0]!.slice(8, 12)).toEqual([
        '停产整改，更换泄爆装置',
        '晋城市应急管理局',
        '罚款2.5万元；责令限期整改',
        '已完成整改（2026年2月2日复核）',
      ]);
      expect(body[0]![12]).toContain('资金：5万元');
      // nothing recorded → empty cells, not a made-up "无"
      expect(body[1]!.slice(9, 12)).toEqual([null, null, '逾期未完成（期限2026年3月1日）']);
      expect(body[2]![11]).toBe('未整改');
    },
  );

  it(
    'hazard-list: 附件5 per enterprise and day, photos embedded in the XLSX and the PDF',
    { timeout: 120_000 },
    async () => {
      const xlsx = join(t.dir, 'list.xlsx');
      expect((await jianhu(['hazard-list', ...campaign(), '--out', xlsx])).code).toBe(0);
      const sheets = await readXlsx(xlsx);
      // 甲 10 Jan, 乙 15 Feb, 丙 20 Mar (two), 丙 28 Apr; May's is outside
      expect(sheets).toHaveLength(4);
      const jia = sheets.find((s) => s.rows[2]!.includes('企业名称：甲钢铁'))!;
      expect(jia.rows[2]).toContain('检查时间：2026年1月10日');
      expect(jia.rows[3]).toEqual(['序号', '隐患描述', '现场证据', '判定依据', '隐患类型', '备注']);
      expect(jia.rows[4]).toEqual([
        1,
        '转炉煤气区域动火未办票',
        null,
        '《工贸企业重大事故隐患判定标准》第四条',
        '动火作业',
        '重大事故隐患',
      ]);
      expect(jia.rows.flat()).toContain('企业负责人（签字）：');
      for (const s of sheets) expect(s.images).toBeGreaterThan(0);
      expect(sheets.find((s) => s.rows[2]!.includes('企业名称：丙冶金') && s.rows.length > 8)!.images).toBe(
        2,
      );

      const pdf = join(t.dir, 'list.pdf');
      expect((await jianhu(['hazard-list', ...campaign(), '--out', pdf])).code).toBe(0);
      const bytes = readFileSync(pdf);
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(bytes.toString('latin1')).toMatch(/\/Subtype \/Image .*\/Filter \/DCTDecode/);
      // the title is in a page's text whatever reads it: UCS-2 codes in the inflated content streams
      const streams = [
        ...bytes.toString('latin1').matchAll(/\/FlateDecode \/Length (\d+) >>\nstream\n/g),
      ].map((m) =>
        inflateSync(bytes.subarray(m.index + m[0].length, m.index + m[0].length + Number(m[1]))).toString(
          'latin1',
        ),
      );
      const ucs2 = (s: string) => [...s].map((c) => c.codePointAt(0)!.toString(16).padStart(4, '0')).join('');
      expect(streams.some((x) => x.includes(`<${ucs2('检查问题隐患清单')}> Tj`))).toBe(true);
      // a third party's reading (setup.sh installs poppler-utils and poppler-data)
      if (existsSync('/usr/bin/pdftotext')) {
        const text = (await run('/usr/bin/pdftotext', [pdf, '-'])).stdout;
        expect(text).toContain('检查问题隐患清单');
        expect(text).toContain('企业名称：乙铸造');
        expect(text).toContain('熔炼炉冷却水无断水报警');
        // the Chinese font travels in the file: a subset, embedded (tests/integration/report-pdf-font.test.ts)
        const fonts = (await run('/usr/bin/pdffonts', [pdf])).stdout;
        expect(fonts).toMatch(/^[A-Z]{6}\+UMingCN\s+CID TrueType\s+Identity-H\s+yes yes yes/m);
      }
    },
  );

  it(
    'weekly, cross-check, permit-audit: every form writes; bad arguments exit 2',
    { timeout: 180_000 },
    async () => {
      const weekly = join(t.dir, 'weekly.xlsx');
      expect((await jianhu(['weekly', ...campaign(), '--out', weekly])).code).toBe(0);
      const [w] = await readXlsx(weekly);
      expect(w!.rows[1]![0]).toBe('周调度统计表');
      const total = w!.rows.find((x) => x[0] === '合计')!;
      // 企业自查 1 general; 市县检查 1 major found + rectified; 交叉检查 1 general + 1 major; 1 fine, 2.5 万元
      expect(total.slice(3)).toEqual([1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 2.5, null]);
      const cross = join(t.dir, 'cross.csv');
      expect((await jianhu(['cross-check', ...campaign(), '--out', cross])).code).toBe(0);
      expect(readFileSync(cross, 'utf8')).toContain('乙铸造');
      const audit = join(t.dir, 'audit.pdf');
      expect((await jianhu(['permit-audit', ...campaign(), '--out', audit])).code).toBe(0);
      expect(readFileSync(audit).subarray(0, 5).toString()).toBe('%PDF-');

      for (const bad of [
        ['no-such-form', ...campaign(), '--out', weekly],
        ['weekly', ...campaign().slice(0, 6), '--to', '2026-02-30', '--out', weekly],
      ]) {
        const r = await jianhu(bad);
        expect(r.code, bad.join(' ')).toBe(2);
        expect(r.stderr).toContain('jianhu report');
      }
    },
  );
});

describe('GET /api/reports/FORM: any range, a region, paged JSON, PDF', () => {
  const Q = 'region=zezhou&from=2026-01-01&to=2026-04-30';
  it('answers a four-month range for the region, one page at a time', async () => {
    const all = await call('regulator-z', 'GET', `/api/reports/major-ledger?${Q}`);
    expect(all.total).toBe(3);
    expect(all.sections[0].rows.map((r: unknown[]) => r[6])).toEqual([
      '2026-01-10',
      '2026-02-15',
      '2026-04-28',
    ]);
    const page2 = await call('regulator-z', 'GET', `/api/reports/major-ledger?${Q}&page=2&pageSize=1`);
    expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 1 });
    expect(page2.sections[0].rows.map((r: unknown[]) => r[1])).toEqual(['乙铸造']);
    const pdf = await call('regulator-z', 'GET', `/api/reports/weekly?${Q}&format=pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('keeps the region and range rules: 404 outside the scope, 400 with a code for a bad range', async () => {
    const res = (user: string, q: string) =>
      t.app
        .inject({ url: `/api/reports/weekly?${q}` })
        .then(async () =>
          t.app.inject({ url: `/api/reports/weekly?${q}`, headers: { authorization: await t.login(user) } }),
        );
    expect((await res('regulator-o', Q)).statusCode).toBe(404);
    expect((await res('safety-a', Q)).statusCode).toBe(404); // 乙 and 丙 are not 甲's
    const bad = await res('regulator-z', 'region=zezhou&from=2026-04-30&to=2026-01-01');
    expect(bad.json().code).toBe('JH_ERR_REPORT_BAD_RANGE');
    const both = await res('regulator-z', `${Q}&enterprise=ent-a`);
    expect(both.json().code).toBe('JH_ERR_REPORT_REGION_AND_ENTERPRISE');
  });
});
