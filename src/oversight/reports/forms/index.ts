import { defineError } from '../../../platform/shared/errors.ts';
import type { AnnexForm } from '../annex-form.ts';
import { crossCheckForm } from './cross-check-form.ts';
import type { FormContext, FormRequest } from './form-source.ts';
import { hazardListForm } from './hazard-list-form.ts';
import { ledgerForm } from './ledger-form.ts';
import { weeklyForm } from './weekly-form.ts';

/** The annex forms by the name the API path and `jianhu report FORM` use. */
export const ANNEX_FORMS = {
  weekly: { annex: '附件1', title: '周调度统计表', build: weeklyForm },
  'major-ledger': { annex: '附件2', title: '重大事故隐患台账', build: ledgerForm },
  'cross-check': { annex: '附件4', title: '交叉检查隐患情况汇总表', build: crossCheckForm },
  'hazard-list': { annex: '附件5', title: '检查问题隐患清单', build: hazardListForm },
} as const satisfies Record<
  string,
  { annex: string; title: string; build: (c: FormContext, r: FormRequest) => AnnexForm }
>;
export type AnnexFormName = keyof typeof ANNEX_FORMS;
export const ANNEX_FORM_NAMES = Object.keys(ANNEX_FORMS) as AnnexFormName[];

export const ReportErrors = {
  badRange: defineError(
    'JH_ERR_REPORT_BAD_RANGE',
    400,
    '统计时段不合法：开始须早于结束，日期写作 YYYY-MM-DD 或带时区的时间。',
    'Bad range: from must be before to; write dates as YYYY-MM-DD or a date-time with a zone.',
  ),
  regionAndEnterprise: defineError(
    'JH_ERR_REPORT_REGION_AND_ENTERPRISE',
    400,
    '请只选择一个辖区或一个企业。',
    'Choose either one region or one enterprise, not both.',
  ),
};

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Reads the range of a form: dates are days in Asia/Shanghai (the utcOffsetMinutes), `to` included
 * (--from 2026-01-01 --to 2026-04-30 is the whole four months); date-times are exact, `to` excluded.
 * Any length is fine: a campaign's forms are cumulative. null: not a range.
 */
export function parseFormRange(
  from: string,
  to: string,
  utcOffsetMinutes: number,
): { from: number; to: number } | null {
  const at = (s: string, end: boolean): number => {
    const d = DATE_ONLY.exec(s);
    if (d) {
      const ms = Date.UTC(+d[1]!, +d[2]! - 1, +d[3]! + (end ? 1 : 0)) - utcOffsetMinutes * 60_000;
      // 2026-02-30 rolls over in Date.UTC: refuse it rather than report a different day
      return new Date(ms + utcOffsetMinutes * 60_000 - (end ? 86_400_000 : 0)).toISOString().startsWith(s)
        ? ms
        : NaN;
    }
    return DATE_TIME.test(s) ? Date.parse(s) : NaN;
  };
  const f = at(from, false);
  const t = at(to, true);
  return Number.isFinite(f) && Number.isFinite(t) && f < t ? { from: f, to: t } : null;
}

export type { FormContext, FormRequest, HazardSource } from './form-source.ts';
export { memoryHazardSource, type LoadedHazard } from './memory-source.ts';
export {
  hazardColumnsEnforcement,
  type EnforcementPort,
  type LedgerExtras,
  type PenaltyRecord,
} from './form-source.ts';
