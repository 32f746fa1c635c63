import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../app-services.ts';
import { principalOf } from '../platform/http/auth-hook.ts';
import { ErrorSchema, fileResponse } from '../platform/http/schemas.ts';
import type { PermitAuditReport } from '../oversight/audit/permit-audit.ts';
import { toCsv, toXlsx, type ReportTable } from '../oversight/reports/table.ts';
import { defineError } from '../platform/shared/errors.ts';
import { KINDS } from '../work/kinds/index.ts';

export const AuditExportErrors = {
  badPeriod: defineError(
    'JH_ERR_AUDITEXPORT_BAD_PERIOD',
    400,
    '时间段不合法：开始时间须早于结束时间，且不超过 31 天。',
    'Bad period: from must be before to, at most 31 days apart.',
  ),
};

const VERDICT_ZH: Record<string, string> = {
  fully_monitored: '全程监控',
  gaps: '存在监控中断',
  work_without_monitoring: '无监控作业',
  no_work: '未实际作业',
};
const local = (iso: string) =>
  new Date(iso).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });

/** The permit-to-video audit as a table: one row per permit, gaps and violations spelled out. */
export function permitAuditTable(r: PermitAuditReport, enterpriseName: string): ReportTable {
  return {
    title: `作业票监控审计 ${enterpriseName} ${local(r.from)} — ${local(r.to)}`,
    sheetName: '作业票监控审计',
    headers: [
      '作业票编号',
      '作业类型',
      '绑定摄像头',
      '作业时段',
      '作业时长(分钟)',
      '有监控时长(分钟)',
      '监控覆盖率(%)',
      '最长中断(秒)',
      '监控中断明细',
      '结论',
      '违章数',
      '违章明细',
    ],
    rows: r.permits.map((p) => [
      p.number,
      KINDS.find(p.kind)?.label.zh ?? p.kind,
      p.cameraIds.join('、'),
      p.windows.map((w) => `${local(w.start)} → ${w.ongoing ? '进行中' : local(w.end)}`).join('\n'),
      Math.round(p.coverage.workMs / 600) / 100,
      Math.round(p.coverage.monitoredMs / 600) / 100,
      p.coverage.coveragePct,
      Math.round(p.coverage.longestGapMs / 1000),
      p.gaps.map((g) => `${local(g.start)} – ${local(g.end)}（${g.causeText}）`).join('\n'),
      VERDICT_ZH[p.coverage.verdict] ?? p.coverage.verdict,
      p.violations.length,
      p.violations
        .map((v) => `${local(v.at)} ${String(v.detail.typeZh ?? v.type)} ${v.cameraId ?? ''}`)
        .join('\n'),
    ]),
    notes: [
      `合计：作业票 ${r.summary.permits} 张，监控覆盖率 ${r.summary.coveragePct}%；全程监控 ${r.summary.fully_monitored}，存在中断 ${r.summary.gaps}，无监控作业 ${r.summary.work_without_monitoring}。`,
      '覆盖率 = 作业时段内摄像头在线（online）的时长 ÷ 作业时长；摄像头无健康记录的时段计为无监控。',
    ],
  };
}

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
