import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../app-services.ts';
import { principalOf } from '../platform/http/auth-hook.ts';
import { ErrorSchema, fileResponse } from '../platform/http/schemas.ts';
import { permitAuditTable } from '../oversight/reports/permit-audit-table.ts';
import { toCsv, toXlsx } from '../oversight/reports/table.ts';
import { defineError } from '../platform/shared/errors.ts';

export const AuditExportErrors = {
  badPeriod: defineError(
    'JH_ERR_AUDITEXPORT_BAD_PERIOD',
    400,
    '时间段不合法：开始时间须早于结束时间，且不超过 31 天。',
    'Bad period: from must be before to, at most 31 days apart.',
  ),
};

const MEDIA_TYPE = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

const Query = Type.Object(
  {
    enterprise: Type.String({ minLength: 1, maxLength: 64 }),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

/** CSV / XLSX of the permit audit shown on the regulator's audit page. */
export const auditExportRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  for (const format of ['csv', 'xlsx'] as const) {
    app.get(
      `/api/audit/permits.${format}`,
      {
        config: { permission: 'report:export' },
        schema: {
          tags: ['audit'],
          summary: `Permit audit export 作业票监控审计导出 (${format.toUpperCase()})`,
          querystring: Query,
          response: {
            200: fileResponse('the file 导出文件', [MEDIA_TYPE[format]]),
            400: ErrorSchema,
            404: ErrorSchema,
            503: ErrorSchema,
          },
        },
      },
      async (req, reply) => {
        const { scope } = principalOf(req);
        scope.assert(req.query.enterprise);
        const from = Date.parse(req.query.from);
        const to = Date.parse(req.query.to);
        if (!(from < to) || to - from > 31 * 86_400_000)
          throw AuditExportErrors.badPeriod({ from: req.query.from, to: req.query.to });
        const ent = services.tenancy.enterprises().find((e) => e.id === req.query.enterprise);
        const table = permitAuditTable(
          services.oversight.permitAudit.audit([req.query.enterprise], from, to),
          ent?.name ?? req.query.enterprise,
        );
        const body = format === 'csv' ? toCsv(table) : await toXlsx(table);
        const name = `permit-audit-${req.query.enterprise}-${req.query.from.slice(0, 10)}.${format}`;
        return reply
          .type(format === 'csv' ? `${MEDIA_TYPE.csv}; charset=utf-8` : MEDIA_TYPE.xlsx)
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('content-length', body.length)
          .send(body);
      },
    );
  }
};
