import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { defineError } from '../../platform/shared/errors.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';

export const AuditErrors = {
  badRange: defineError(
    'JH_ERR_AUDIT_BAD_RANGE',
    400,
    '时间范围无效：须 from < to，且不超过 31 天。',
    'Invalid time range: from must be before to, at most 31 days apart.',
  ),
};

const MAX_SPAN_MS = 31 * 86_400_000;

/** Parses from/to and the enterprise filter against the caller's scope (404 for other tenants). */
export function rangeAndScope(
  scope: EnterpriseScope,
  q: { enterprise?: string; from: string; to: string },
): { enterpriseIds: string[]; from: number; to: number } {
  const from = Date.parse(q.from);
  const to = Date.parse(q.to);
  if (!(from < to) || to - from > MAX_SPAN_MS) throw AuditErrors.badRange({ from: q.from, to: q.to });
  if (q.enterprise) scope.assert(q.enterprise);
  return { enterpriseIds: q.enterprise ? [q.enterprise] : [...scope.enterpriseIds].sort(), from, to };
}

export const RangeQuery = Type.Object(
  {
    enterprise: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const Json = Type.Record(Type.String(), Type.Unknown());
const PermitAuditSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  require: Type.String(),
  summary: Json,
  permits: Type.Array(
    Type.Object({
      permitId: Type.String(),
      number: Type.String(),
      kind: Type.String(),
      enterpriseId: Type.String(),
      cameraIds: Type.Array(Type.String()),
      windows: Type.Array(Json),
      coverage: Json,
      gaps: Type.Array(Json),
      violations: Type.Array(Json),
      events: Type.Array(Json),
    }),
  ),
});

const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

/** 作业票视频审计 and the audit chain's status. Regulators see their region's enterprises only. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const mod = services.oversight;
  const tags = ['audit'];

  app.get(
    '/api/audit/permits',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags,
        summary: 'Permit-to-video audit: coverage, gaps, verdicts 作业票视频审计',
        querystring: RangeQuery,
        response: { 200: PermitAuditSchema, ...errors },
      },
    },
    async (req) => {
      const { enterpriseIds, from, to } = rangeAndScope(principalOf(req).scope, req.query);
      return mod.permitAudit.audit(enterpriseIds, from, to);
    },
  );

  app.get(
    '/api/audit/chain',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags,
        summary: 'Verify the tamper-evident log now 审计链核验',
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            entries: Type.Integer(),
            checkpoints: Type.Integer(),
            evidenceFiles: Type.Integer(),
            headSeq: Type.Union([Type.Integer(), Type.Null()]),
            headHash: Type.Union([Type.String(), Type.Null()]),
            keyId: Type.Union([Type.String(), Type.Null()]),
            firstBroken: Type.Union([Json, Type.Null()]),
          }),
          ...errors,
        },
      },
    },
    // The chain is global (one for the whole store): it reveals counts and hashes, never payloads.
    // Verified in slices that yield to the event loop (/healthz stays fast on a long chain).
    async () => {
      const r = await mod.chain.verifyInBackground();
      return {
        ...r,
        firstBroken: r.firstBroken ? { kind: r.firstBroken.kind, seq: r.firstBroken.seq } : null,
      };
    },
  );
};
