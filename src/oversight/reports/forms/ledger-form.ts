import { isOpen, STAGE_NAMES } from '../../hazards/hazard.machine.ts';
import type { Hazard } from '../../hazards/hazards.repo.ts';
import { wan, type AnnexForm, type FormCell } from '../annex-form.ts';
import { helpers, isoOf, type FormContext, type FormRequest, type LedgerExtras } from './form-source.ts';

/** 附件2's thirteen columns, in the annex's order and wording. */
export const LEDGER_HEADERS = [
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
] as const;

/** 行政处罚情况 in 万元, empty when no penalty is recorded (never a made-up "无"). */
export function penaltyText(x: LedgerExtras): string | null {
  if (x.penaltyYuan > 0) return `罚款${wan(x.penaltyYuan)}万元${x.penaltyNote ? `；${x.penaltyNote}` : ''}`;
  return x.penaltyNote;
}

/**
 * 附件2 重大事故隐患台账: every major hazard found in the range, and every one found before it that was
 * still open at the report's time (a ledger is cumulative: an open 重大隐患 stays on it until closed).
 */
export function ledgerForm(ctx: FormContext, req: FormRequest): AnnexForm {
  const h = helpers(ctx);
  const all = ctx.hazards.list({ enterpriseIds: [...req.enterpriseIds], level: 'major', to: isoOf(req.to) });
  const list = all.filter((x) => Date.parse(x.foundAt) >= req.from || isOpen(x.state));
  const status = (x: Hazard): string => {
    if (x.verifiedAt && (x.state === 'verified' || x.state === 'closed'))
      return `已完成整改（${h.day(x.verifiedAt).zh}复核${x.state === 'closed' ? '，已销号' : ''}）`;
    if (x.state === 'rectified') return '已整改，待复核';
    if (x.state === 'dispatched' && x.deadline)
      return Date.parse(x.deadline) < ctx.now
        ? `逾期未完成（期限${h.day(x.deadline).zh}）`
        : `整改中（期限${h.day(x.deadline).zh}）`;
    return '未整改';
  };
  // the rest of 五到位 (责任、资金、时限、预案) has no column of its own in the annex: 备注 carries it
  const remark = (x: Hazard): string | null => {
    const f = x.five;
    const parts = [
      x.location ? `部位：${x.location}` : null,
      f?.responsiblePerson ? `责任人：${f.responsiblePerson}` : null,
      typeof f?.funds === 'number' ? `资金：${wan(f.funds)}万元` : null,
      f?.deadline ? `时限：${h.day(f.deadline).zh}` : null,
      f?.contingencyPlan ? `预案：${f.contingencyPlan}` : null,
    ].filter((p) => p !== null);
    return parts.length ? parts.join('；') : null;
  };
  const rows: FormCell[][] = list.map((x, i) => {
    const extras = ctx.enforcement.forHazard(x);
    return [
      i + 1,
      h.enterprise(x.enterpriseId),
      h.county(x.enterpriseId),
      h.industry(x.enterpriseId),
      STAGE_NAMES[x.stage].zh,
      x.checker,
      h.day(x.foundAt),
      x.description,
      x.five?.measures ?? null,
      extras.supervisingUnit,
      penaltyText(extras),
      status(x),
      remark(x),
    ];
  });
  return {
    annex: '附件2',
    title: '重大事故隐患台账',
    fileStem: h.stem('major-ledger', req),
    headers: [...LEDGER_HEADERS],
    sections: [
      { sheetName: '重大事故隐患台账', headerLines: [h.filed(req), [h.period(req)]], rows, footer: [] },
    ],
    notes: ['列入：统计时段内发现的重大事故隐患，以及此前发现、截至填报时尚未销号的重大事故隐患。'],
  };
}
