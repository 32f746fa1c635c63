import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema, fileContent } from '../../platform/http/schemas.ts';
import { rangeAndScope } from '../audit/audit.routes.ts';
import { toCsv, toXlsx, type ReportTable } from './table.ts';

const FormatQuery = Type.Object(
  {
    enterprise: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('xlsx'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
const TableSchema = Type.Object({
  title: Type.String(),
  sheetName: Type.String(),
  headers: Type.Array(Type.String()),
  rows: Type.Array(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Null()]))),
  notes: Type.Optional(Type.Array(Type.String())),
});
const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Regulator forms as JSON, XLSX or CSV (permission report:export), and enterprise risk grades. */
export const reportsRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const mod = services.oversight;
  const tags = ['reports'];
  const forms: [string, string, string, (ids: string[], from: string, to: string) => ReportTable][] = [
    [
      'weekly',
      'weekly-dispatch',
      'Weekly dispatch table 周调度表',
      (i, f, t) => mod.reports.weeklyTable(i, f, t),
    ],
    [
      'major-ledger',
      'major-hazard-ledger',
      '重大事故隐患台账',
      (i, f, t) => mod.reports.majorLedger(i, f, t),
    ],
    ['hazard-list', 'hazard-list', '检查问题隐患清单', (i, f, t) => mod.reports.hazardList(i, f, t)],
  ];
  for (const [path, file, summary, build] of forms) {
    app.get(
      `/api/reports/${path}`,
      {
        config: { permission: 'report:export' },
        schema: {
          tags,
          summary: `${summary} (format=json|xlsx|csv)`,
          querystring: FormatQuery,
          response: {
            // one 200 per format, each under its own media type (format=json is the JSON table)
            200: {
              description: 'the form 报表',
              content: {
                'application/json': { schema: TableSchema },
                ...fileContent([XLSX, 'text/csv']),
              },
            },
            ...errors,
          },
        },
      },
      async (req, reply) => {
        const { enterpriseIds, from, to } = rangeAndScope(principalOf(req).scope, req.query);
        const table = build(enterpriseIds, new Date(from).toISOString(), new Date(to).toISOString());
        const format = req.query.format ?? 'json';
        if (format === 'json') return table;
        const name = `${file}-${new Date(from).toISOString().slice(0, 10)}.${format}`;
        reply.header('content-disposition', `attachment; filename="${name}"`);
        if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(table));
        return reply.type(XLSX).send(await toXlsx(table));
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
