import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../app-services.ts';
import { principalOf } from '../platform/http/auth-hook.ts';
import { ErrorSchema, fileResponse } from '../platform/http/schemas.ts';
import { RangeQuery } from '../oversight/audit/audit.routes.ts';
import { auditScope } from '../oversight/audit/audit-scope.ts';
import { permitAuditCsv, permitAuditXlsx } from '../oversight/reports/permit-audit-stream.ts';

const MEDIA_TYPE = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/**
 * CSV / XLSX of the permit audit shown on the regulator's audit page: every permit of the range (an
 * enterprise or a region, up to 366 days), streamed as it is written, so no Content-Length.
 */
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
          querystring: RangeQuery,
          response: {
            200: fileResponse('the file 导出文件', [MEDIA_TYPE[format]]),
            400: ErrorSchema,
            403: ErrorSchema,
            404: ErrorSchema,
            503: ErrorSchema,
          },
        },
      },
      async (req, reply) => {
        const { principal, scope } = principalOf(req);
        const q = auditScope(services.tenancy, principal, scope, req.query);
        const names = new Map(services.tenancy.enterprises().map((e) => [e.id, e.name]));
        const name = (id: string) => names.get(id) ?? id;
        const src = services.oversight.permitAudit.stream(q.enterpriseIds, q.from, q.to);
        const body = format === 'csv' ? permitAuditCsv(src, name) : permitAuditXlsx(src, q.unit, name);
        const file = `permit-audit-${q.label}-${req.query.from.slice(0, 10)}.${format}`;
        return reply
          .type(format === 'csv' ? `${MEDIA_TYPE.csv}; charset=utf-8` : MEDIA_TYPE.xlsx)
          .header('content-disposition', `attachment; filename="${file}"`)
          .send(body);
      },
    );
  }
};
