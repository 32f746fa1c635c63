import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { auditScope, VERDICTS } from './audit-scope.ts';

export { AuditErrors } from './audit-scope.ts';

export const RangeQuery = Type.Object(
  {
    enterprise: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    region: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: '辖区: regulators only, nested regions included',
      }),
    ),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time', description: 'excluded; at most 366 days after from' }),
  },
  { additionalProperties: false },
);

const PageQuery = Type.Object(
  {
    ...RangeQuery.properties,
    verdict: Type.Optional(Type.Union(VERDICTS.map((v) => Type.Literal(v)))),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);

const Json = Type.Record(Type.String(), Type.Unknown());
const PermitAuditSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  require: Type.String(),
  summary: Json,
  page: Type.Integer(),
  pageSize: Type.Integer(),
  total: Type.Integer({ description: 'permits over all pages (of the verdict asked for)' }),
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
        summary:
          'Permit-to-video audit: coverage, gaps, verdicts 作业票视频审计 (an enterprise or a region, paged)',
        querystring: PageQuery,
        response: { 200: PermitAuditSchema, ...errors },
      },
    },
    async (req) => {
      const { principal, scope } = principalOf(req);
      const q = req.query;
      const { enterpriseIds, from, to } = auditScope(services.tenancy, principal, scope, q);
      return mod.permitAudit.page(enterpriseIds, from, to, {
        page: q.page ?? 1,
        pageSize: q.pageSize ?? 100,
        verdict: q.verdict,
      });
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
