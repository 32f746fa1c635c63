import type { Hazard } from '../../hazards/hazards.repo.ts';
import { wan, type AnnexForm, type FormCell } from '../annex-form.ts';
import { helpers, isoOf, type FormContext, type FormRequest } from './form-source.ts';

const done = (x: Hazard) => x.state === 'verified' || x.state === 'closed';

/**
 * 附件4 交叉检查隐患情况汇总表: one row per cross-check visit (enterprise × 检查单位 × check day) in the
 * range, with the hazards it found, how many are rectified (复核通过) by the report's time, the
 * rectification rate, and the penalties recorded on them in 万元.
 */
export function crossCheckForm(ctx: FormContext, req: FormRequest): AnnexForm {
  const h = helpers(ctx);
  const list = ctx.hazards.list({
    enterpriseIds: [...req.enterpriseIds],
    stage: 'cross_check',
    from: isoOf(req.from),
    to: isoOf(req.to),
  });
  const visits = new Map<string, Hazard[]>();
  for (const x of list) {
    const key = [h.day(x.foundAt).iso, x.enterpriseId, x.checker].join('\u0000');
    visits.set(key, [...(visits.get(key) ?? []), x]);
  }
  const counts = (xs: Hazard[]) => {
    const major = xs.filter((x) => x.level === 'major').length;
    const rectified = xs.filter(done).length;
    const yuan = xs.reduce((s, x) => s + ctx.enforcement.forHazard(x).penaltyYuan, 0);
    return [xs.length, xs.length - major, major, rectified, rate(rectified, xs.length), wan(yuan)];
  };
  const rows: FormCell[][] = [...visits.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, xs], i) => {
      const x = xs[0]!;
      return [
        i + 1,
        h.enterprise(x.enterpriseId),
        h.county(x.enterpriseId),
        h.industry(x.enterpriseId),
        x.checker,
        h.day(x.foundAt),
        ...counts(xs),
        null,
      ];
    });
  rows.push(['合计', null, null, null, null, null, ...counts(list), null]);
  return {
    annex: '附件4',
    title: '交叉检查隐患情况汇总表',
    fileStem: h.stem('cross-check', req),
    groups: [
      ['', 6],
      ['发现问题隐患（项）', 3],
      ['整改情况', 2],
      ['', 2],
    ],
    headers: [
      '序号',
      '被检查企业',
      '所在市（县、区）',
      '行业类别',
      '检查单位',
      '检查时间',
      '合计',
      '一般隐患',
      '重大隐患',
      '已整改（项）',
      '整改率',
      '罚款（万元）',
      '备注',
    ],
    moneyColumns: [11],
    sections: [
      { sheetName: '交叉检查隐患情况汇总表', headerLines: [h.filed(req), [h.period(req)]], rows, footer: [] },
    ],
    notes: [
      '一次交叉检查 = 同一检查单位同一天对同一企业的检查；已整改 = 截至填报时复核通过；未评估的隐患计为一般隐患。',
    ],
  };
}

function rate(n: number, of: number): string {
  return of === 0 ? '—' : `${Math.round((n / of) * 1000) / 10}%`;
}
