import { createReadStream } from 'node:fs';
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema, fileResponse } from '../../platform/http/schemas.ts';
import { VIOLATION_INFO, VIOLATION_TYPES } from '../rules/types.ts';
import type { EvidenceRecord } from '../../video/evidence/evidence.repo.ts';
import type { ViolationRecord } from './violations.repo.ts';

const ViolationType = Type.Enum(VIOLATION_TYPES);
const Severity = Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')]);
const State = Type.Union([Type.Literal('active'), Type.Literal('ended')]);
const Review = Type.Union([Type.Literal('pending'), Type.Literal('confirmed'), Type.Literal('dismissed')]);
const Num = Type.Number();
const EvidenceSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('snapshot'), Type.Literal('clip')]),
  sha256: Type.String(),
  bytes: Type.Integer(),
  mime: Type.String(),
  coversFrom: Type.Union([Type.String(), Type.Null()]),
  coversTo: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  url: Type.String(),
  frameBox: Type.Union([
    Type.Unsafe<[number, number, number, number]>(
      Type.Array(Type.Number(), {
        minItems: 4,
        maxItems: 4,
        description: "a snapshot's violation box [x1, y1, x2, y2] in the pixels of the frame it shows",
      }),
    ),
    Type.Null(),
  ]),
});
const ViolationSchema = Type.Object({
  id: Type.Integer(),
  enterpriseId: Type.String(),
  siteId: Type.String(),
  cameraId: Type.String(),
  type: ViolationType,
  typeZh: Type.String(),
  typeEn: Type.String(),
  category: Type.String(),
  severity: Severity,
  trackId: Type.Union([Type.Integer(), Type.Null()]),
  zoneId: Type.Union([Type.String(), Type.Null()]),
  state: State,
  review: Review,
  startedAt: Type.String(),
  lastSeenAt: Type.String(),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  // a fixed-length array, not Type.Tuple: OpenAPI 3.x has no tuple form; same JSON on the wire
  box: Type.Union([
    Type.Unsafe<[number, number, number, number]>(
      Type.Array(Num, { minItems: 4, maxItems: 4, description: '[x1, y1, x2, y2]' }),
    ),
    Type.Null(),
  ]),
  detail: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()])),
  reviewedBy: Type.Union([Type.String(), Type.Null()]),
  reviewedAt: Type.Union([Type.String(), Type.Null()]),
  reviewNote: Type.Union([Type.String(), Type.Null()]),
});
/** Evidence that was not made, and why (a black frame proves nothing of a scene rule; #27). */
const EvidenceUnavailableSchema = Type.Object({
  kind: Type.Literal('snapshot'),
  reason: Type.Union([Type.Literal('no_usable_frame'), Type.Literal('frame_not_kept')], {
    description: 'no_usable_frame: every frame near the detection was black; frame_not_kept: none was kept',
  }),
  detectedAt: Type.String(),
  framesLooked: Type.Integer(),
  meanLuma: Type.Union([Type.Number(), Type.Null()]),
});
const WithEvidence = Type.Intersect([
  ViolationSchema,
  Type.Object({
    evidence: Type.Array(EvidenceSchema),
    evidenceUnavailable: Type.Array(EvidenceUnavailableSchema),
  }),
]);
const Id = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });

const view = (v: ViolationRecord) => ({
  ...v,
  typeZh: VIOLATION_INFO[v.type].zh,
  typeEn: VIOLATION_INFO[v.type].en,
  category: VIOLATION_INFO[v.type].category,
});
const evView = (e: EvidenceRecord) => ({
  id: e.id,
  kind: e.kind,
  sha256: e.sha256,
  bytes: e.bytes,
  mime: e.mime,
  coversFrom: e.coversFrom,
  coversTo: e.coversTo,
  createdAt: e.createdAt,
  url: `/api/evidence/${e.id}`,
  frameBox: e.frameBox,
});

/** Violations (list, detail with evidence, confirm / dismiss) and evidence download. */
export const violationsRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const svc = () => {
    return services.supervision.violations;
  };
  app.get(
    '/api/violations',
    {
      config: { permission: 'violation:read' },
      schema: {
        tags: ['violations'],
        summary: 'Violations 违规列表',
        description: 'Newest first; page with `beforeId` = the last id of the previous page.',
        querystring: Type.Object(
          {
            cameraId: Type.Optional(Type.String({ maxLength: 64 })),
            type: Type.Optional(ViolationType),
            state: Type.Optional(State),
            review: Type.Optional(Review),
            from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601, started at or after' })),
            to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601, started before' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
            beforeId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(ViolationSchema),
            nextBeforeId: Type.Union([Type.Integer(), Type.Null()]),
          }),
          400: ErrorSchema,
          503: ErrorSchema,
        },
      },
    },
    async (req) => {
      const { scope } = principalOf(req);
      const items = svc().list(scope, req.query);
      const limit = req.query.limit ?? 100;
      return {
        items: items.map(view),
        nextBeforeId: items.length === limit ? items[items.length - 1]!.id : null,
      };
    },
  );
  app.get(
    '/api/violations/:id',
    {
      config: { permission: 'violation:read' },
      schema: {
        tags: ['violations'],
        summary: 'One violation with its evidence 违规详情',
        params: Id,
        response: { 200: WithEvidence, 404: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (req) => {
      const { scope } = principalOf(req);
      const v = svc().get(scope, req.params.id);
      const ev = services.video.evidence;
      return {
        ...view(v),
        evidence: ev.forViolation(v.id).map(evView),
        evidenceUnavailable: ev
          .unavailableFor(v.id)
          .map(({ kind, reason, detectedAt, framesLooked, meanLuma }) => ({
            kind,
            reason,
            detectedAt,
            framesLooked,
            meanLuma,
          })),
      };
    },
  );
  for (const [path, decision, summary] of [
    ['confirm', 'confirmed', 'Confirm a violation 确认违规'],
    ['dismiss', 'dismissed', 'Dismiss a false alarm 误报驳回'],
  ] as const) {
    app.post(
      `/api/violations/:id/${path}`,
      {
        config: { permission: 'violation:handle' },
        schema: {
          tags: ['violations'],
          summary,
          params: Id,
          body: Type.Optional(
            Type.Object(
              { note: Type.Optional(Type.String({ maxLength: 500 })) },
              { additionalProperties: false },
            ),
          ),
          response: { 200: ViolationSchema, 404: ErrorSchema, 409: ErrorSchema, 503: ErrorSchema },
        },
      },
      async (req) => {
        const { principal, scope } = principalOf(req);
        return view(svc().review(principal, scope, req.params.id, decision, req.body?.note ?? null));
      },
    );
  }
  app.get(
    '/api/evidence/:id',
    {
      config: { permission: 'violation:read' },
      schema: {
        tags: ['violations'],
        summary: 'Download evidence (JPEG / MP4) 下载证据',
        description:
          'The file is re-hashed first: `x-content-sha256` is the sha256 of the bytes sent, equal to the one recorded when it was stored; a changed file is 409 JH_ERR_EVIDENCE_TAMPERED and an `evidence.tampered` alarm event.',
        params: Id,
        response: {
          200: fileResponse('the snapshot or the clip 截图或视频', ['image/jpeg', 'video/mp4']),
          404: ErrorSchema,
          409: ErrorSchema,
          503: ErrorSchema,
        },
      },
    },
    async (req, reply) => {
      const { scope } = principalOf(req);
      const { record, file } = await services.video.evidence.download(scope, req.params.id);
      const ext = record.kind === 'clip' ? 'mp4' : 'jpg';
      return reply
        .header('content-type', record.mime)
        .header('content-length', record.bytes)
        .header('x-content-sha256', record.sha256)
        .header('cache-control', 'private, max-age=3600')
        .header('content-disposition', `attachment; filename="evidence-${record.id}.${ext}"`)
        .send(createReadStream(file));
    },
  );
};
