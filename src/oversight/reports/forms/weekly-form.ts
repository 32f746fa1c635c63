import { STAGE_NAMES, type Stage } from '../../hazards/hazard.machine.ts';
import { wan, type AnnexForm, type FormCell } from '../annex-form.ts';
import { helpers, isoOf, type FormContext, type FormRequest } from './form-source.ts';

/** The 检查环节 附件1 has column groups for, in its order (the notice counts these three). */
export const WEEKLY_STAGES = [
  'self_check',
  'county_check',
  'cross_check',
] as const satisfies readonly Stage[];
type WeeklyStage = (typeof WEEKLY_STAGES)[number];
const COUNTS = ['发现一般隐患', '整改一般隐患', '发现重大隐患', '整改重大隐患'] as const;
const isWeekly = (s: Stage): s is WeeklyStage => (WEEKLY_STAGES as readonly Stage[]).includes(s);

/** index into the four counts above */
type Slot = 0 | 1 | 2 | 3;
interface Counts {
  byStage: Record<WeeklyStage, [number, number, number, number]>;
  penalties: number;
  penaltyYuan: number;
}
const zero = (): Counts => ({
  byStage: Object.fromEntries(WEEKLY_STAGES.map((s) => [s, [0, 0, 0, 0]])) as Counts['byStage'],
  penalties: 0,
  penaltyYuan: 0,
});

/**
 * 附件1 周调度统计表: per enterprise and 检查环节 (企业自查 / 市县检查 / 交叉检查), hazards found in the
 * range by level (an unassessed one counts as general) and hazards whose rectification passed review
 * (复核通过) in the range; 行政处罚 = the penalties imposed in the range, count and 万元. Any range works:
 * a week, or the whole campaign (the counts are then cumulative).
 */
export function weeklyForm(ctx: FormContext, req: FormRequest): AnnexForm {
  const h = helpers(ctx);
  const ids = [...req.enterpriseIds].sort();
  const [from, to] = [isoOf(req.from), isoOf(req.to)];
  const found = ctx.hazards.list({ enterpriseIds: ids, from, to });
  const verified = ctx.hazards
    .transitionsInWindow(ids, 'verified', from, to)
    .map((t) => ctx.hazards.get(t.hazardId))
    .filter((x) => x !== undefined);
  const per = new Map(ids.map((id) => [id, zero()]));
  let otherStages = 0;
  for (const [list, offset] of [
    [found, 0],
    [verified, 1],
  ] as const)
    for (const x of list) {
      if (!isWeekly(x.stage)) {
        otherStages += offset === 0 ? 1 : 0;
        continue;
      }
      per.get(x.enterpriseId)!.byStage[x.stage][((x.level === 'major' ? 2 : 0) + offset) as Slot]++;
    }
  for (const p of ctx.enforcement.penalties(ids, from, to)) {
    const c = per.get(p.enterpriseId);
    if (!c) continue;
    c.penalties++;
    c.penaltyYuan += p.yuan;
  }
  const total = zero();
  for (const c of per.values()) {
    for (const s of WEEKLY_STAGES) c.byStage[s].forEach((n, i) => (total.byStage[s][i as Slot] += n));
    total.penalties += c.penalties;
    total.penaltyYuan += c.penaltyYuan;
  }
  const cells = (c: Counts): FormCell[] => [
    ...WEEKLY_STAGES.flatMap((s) => c.byStage[s]),
    c.penalties,
    wan(c.penaltyYuan),
  ];
  const rows: FormCell[][] = ids.map((id, i) => [
    i + 1,
    h.enterprise(id),
    h.county(id),
    ...cells(per.get(id)!),
    null,
  ]);
  rows.push(['合计', null, null, ...cells(total), null]);
  const money = 3 + WEEKLY_STAGES.length * 4 + 1;
  return {
    annex: '附件1',
    title: '周调度统计表',
    fileStem: h.stem('weekly', req),
    groups: [
      ['', 3],
      ...WEEKLY_STAGES.map((s): [string, number] => [STAGE_NAMES[s].zh, 4]),
      ['行政处罚', 2],
      ['', 1],
    ],
    headers: [
      '序号',
      '企业名称',
      '所在市（县、区）',
      ...WEEKLY_STAGES.flatMap(() => [...COUNTS]),
      '处罚（次）',
      '罚款（万元）',
      '备注',
    ],
    moneyColumns: [money],
    sections: [{ sheetName: '周调度统计表', headerLines: [h.filed(req), [h.period(req)]], rows, footer: [] }],
    notes: [
      '发现：统计时段内登记的隐患（未评估的计为一般隐患）；整改：统计时段内复核通过的隐患；行政处罚：统计时段内作出的处罚。',
      ...(otherStages > 0
        ? [`省级督查、群众举报发现的隐患 ${otherStages} 条不在本表检查环节栏目内，见附件2、附件5。`]
        : []),
    ],
  };
}
