import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema, fileContent } from '../../platform/http/schemas.ts';
import { TenancyErrors } from '../../platform/tenancy/scope.ts';
import { formJson } from './annex-form.ts';
import { toPdf } from './annex-pdf.ts';
import { REPORT_FONT, reportFont } from './pdf-font/report-font.ts';
import { toAnnexCsv, toAnnexXlsx } from './annex-xlsx.ts';
import { ANNEX_FORM_NAMES, ANNEX_FORMS, parseFormRange, ReportErrors } from './forms/index.ts';

const FormQuery = Type.Object(
  {
    enterprise: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    from: Type.String({
      minLength: 10,
      maxLength: 40,
      description: 'YYYY-MM-DD (Asia/Shanghai day) or a date-time with a zone',
    }),
    to: Type.String({
      minLength: 10,
      maxLength: 40,
      description: 'YYYY-MM-DD (that day included) or a date-time (excluded)',
    }),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '填报单位 as printed' })),
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('xlsx'), Type.Literal('csv'), Type.Literal('pdf')]),
    ),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);
const Cell = Type.Union([Type.String(), Type.Number(), Type.Null()]);
const FormSchema = Type.Object({
  annex: Type.String(),
  title: Type.String(),
  groups: Type.Optional(
    Type.Array(Type.Object({ label: Type.String(), span: Type.Integer() }), {
      description: 'the grouping row above the headers',
    }),
  ),
  headers: Type.Array(Type.String()),
  notes: Type.Array(Type.String()),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  total: Type.Integer({ description: 'rows over all pages and sections' }),
  sections: Type.Array(
    Type.Object({
      sheetName: Type.String(),
      headerLines: Type.Array(Type.Array(Type.String())),
      footer: Type.Array(Type.String()),
      rows: Type.Array(Type.Array(Cell)),
    }),
  ),
});
const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const MEDIA = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
} as const;

/**
 * Which enterprises a form covers: one enterprise, a region (config.regions: the regulator's own),
 * or everything the caller sees; each must be within the caller's scope (404 otherwise, as for a
 * missing one). Also the 填报单位 printed by default.
 */
function formScope(
  reports: AppServices['oversight']['reports'],
  p: ReturnType<typeof principalOf>,
  q: { enterprise?: string; region?: string; unit?: string },
): { enterpriseIds: string[]; unit: string } {
  if (q.enterprise && q.region) throw ReportErrors.regionAndEnterprise();
  if (q.region) {
    const r = reports.enterprisesInRegion(q.region);
    // an empty region is only shown to its own regulator (no probing for region ids)
    if (!r || (r.enterpriseIds.length === 0 && p.principal.regionId !== q.region))
      throw TenancyErrors.notVisible();
    for (const id of r.enterpriseIds) p.scope.assert(id);
    return { enterpriseIds: r.enterpriseIds, unit: q.unit ?? r.name };
  }
  if (q.enterprise) {
    p.scope.assert(q.enterprise);
    return {
      enterpriseIds: [q.enterprise],
      unit: q.unit ?? reports.unitName({ enterpriseId: q.enterprise }),
    };
  }
  const { regionId, enterpriseId } = p.principal;
  const unit = regionId
    ? reports.unitName({ regionId })
    : reports.unitName({ enterpriseId: enterpriseId ?? '' });
  return { enterpriseIds: [...p.scope.enterpriseIds].sort(), unit: q.unit ?? unit };
}

/**
 * The annex forms of the 泽州 notice (附件1 周调度统计表, 附件2 重大事故隐患台账, 附件4 交叉检查隐患情况汇总表,
 * 附件5 检查问题隐患清单) as JSON (paged), XLSX, CSV or PDF (permission report:export), over any range,
 * for one enterprise or a region; and the enterprise risk grades.
 */
export const reportsRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const mod = services.oversight;
  const tags = ['reports'];
  for (const name of ANNEX_FORM_NAMES) {
    const { annex, title } = ANNEX_FORMS[name];
    app.get(
      `/api/reports/${name}`,
      {
        config: { permission: 'report:export' },
        schema: {
          tags,
          summary: `${annex} ${title} (format=json|xlsx|csv|pdf)`,
          querystring: FormQuery,
          response: {
            // one 200 per format, each under its own media type (format=json is the JSON form)
            200: {
              description: 'the form 报表',
              content: {
                'application/json': { schema: FormSchema },
                ...fileContent([MEDIA.xlsx, 'text/csv', MEDIA.pdf]),
              },
            },
            ...errors,
          },
        },
      },
      async (req, reply) => {
        const q = req.query;
        const offset = services.config.permits.night.utcOffsetMinutes;
        const range = parseFormRange(q.from, q.to, offset);
        if (!range) throw ReportErrors.badRange({ from: q.from, to: q.to });
        const scope = formScope(mod.reports, principalOf(req), q);
        const form = mod.reports.form(name, { ...scope, ...range });
        const format = q.format ?? 'json';
        if (format === 'json') return formJson(form, q.page ?? 1, q.pageSize ?? 200);
        reply.header('content-disposition', `attachment; filename="${form.fileStem}.${format}"`);
        const body =
          format === 'csv'
            ? toAnnexCsv(form)
            : format === 'pdf'
              ? toPdf(
                  form,
                  reportFont(REPORT_FONT, (msg, detail) => req.log.warn(detail, msg)),
                )
              : await toAnnexXlsx(form);
        return reply.type(MEDIA[format]).send(body);
      },
    );
  }

  app.get(
    '/api/reports/risk-grades',
    {
      config: { permission: 'report:export' },
      schema: {
        tags,
        summary: 'Enterprise risk grade A red / B orange / C yellow / D blue 企业风险分级',
        querystring: Type.Object(
          { enterprise: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(Type.Record(Type.String(), Type.Unknown())) }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { scope } = principalOf(req);
      if (req.query.enterprise) scope.assert(req.query.enterprise);
      const ids = req.query.enterprise ? [req.query.enterprise] : [...scope.enterpriseIds];
      return { items: mod.reports.riskGrades(ids) as unknown as Record<string, unknown>[] };
    },
  );
};
