import { hazardTypeName } from '../../hazards/hazard-types.ts';
import type { Hazard } from '../../hazards/hazards.repo.ts';
import type { AnnexForm, FormCell, FormSection } from '../annex-form.ts';
import { helpers, isoOf, type FormContext, type FormRequest } from './form-source.ts';

export const HAZARD_LIST_HEADERS = ['序号', '隐患描述', '现场证据', '判定依据', '隐患类型', '备注'] as const;

/**
 * 附件5 检查问题隐患清单: one list per enterprise and check day (the annex is filled in at the
 * enterprise, headed 企业名称 / 检查时间, and signed by the inspectors and the enterprise). 现场证据 is
 * the hazard's first on-site photo, embedded in the XLSX and the PDF; a hazard raised by the AI without
 * a photo names its violation record instead.
 */
export function hazardListForm(ctx: FormContext, req: FormRequest): AnnexForm {
  const h = helpers(ctx);
  const list = ctx.hazards.list({
    enterpriseIds: [...req.enterpriseIds],
    from: isoOf(req.from),
    to: isoOf(req.to),
  });
  const groups = new Map<string, Hazard[]>();
  for (const x of list) {
    const key = `${x.enterpriseId}\u0000${h.day(x.foundAt).iso}`;
    groups.set(key, [...(groups.get(key) ?? []), x]);
  }
  const used = new Set<string>();
  const sections: FormSection[] = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, xs]) => {
      const first = xs[0]!;
      const name = h.enterprise(first.enterpriseId);
      const day = h.day(first.foundAt);
      const checkers = [...new Set(xs.map((x) => x.checker))].join('、');
      return {
        sheetName: sheetName(`${day.iso.slice(5)} ${name}`, used),
        headerLines: [[`企业名称：${name}`, `检查时间：${day.zh}`]],
        rows: xs.map((x, i): FormCell[] => [
          i + 1,
          x.description + (x.location ? `（${x.location}）` : ''),
          h.photo(x, ctx.hazards.photos(x.id)) ?? (x.violationId ? `AI 违章记录 #${x.violationId}` : null),
          x.basis,
          hazardTypeName(x.hazardType).zh,
          x.level === 'major' ? '重大事故隐患' : null,
        ]),
        footer: [`检查单位：${checkers}`, '检查人员（签字）：', '企业负责人（签字）：'],
      };
    });
  return {
    annex: '附件5',
    title: '检查问题隐患清单',
    fileStem: h.stem('hazard-list', req),
    headers: [...HAZARD_LIST_HEADERS],
    sections,
    notes: sections.length === 0 ? ['统计时段内未发现问题隐患。'] : [],
  };
}

/** Excel allows 31 characters and no []:*?/\ in a sheet name, unique within the workbook. */
function sheetName(wanted: string, used: Set<string>): string {
  const base = wanted.replace(/[[\]:*?/\\]/g, ' ').slice(0, 28);
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base}(${n})`;
  used.add(name);
  return name;
}
