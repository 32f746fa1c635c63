import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { iso } from '../../platform/shared/clock.ts';
import { defineError } from '../../platform/shared/errors.ts';
import { RecordingHoldsRepo, type RecordingHold } from './recording-holds.repo.ts';
export type { RecordingHoldPayload } from './recording-holds.repo.ts';

export const HoldErrors = {
  notFound: defineError('JH_ERR_HOLD_NOT_FOUND', 404, '录像保全不存在。', 'No such recording hold.'),
  badWindow: defineError(
    'JH_ERR_HOLD_BAD_WINDOW',
    400,
    '保全时段无效：须 from < to，且不超过 31 天。',
    'Invalid hold window: from must be before to, at most 31 days apart.',
  ),
  cameraUnknown: defineError('JH_ERR_HOLD_CAMERA_UNKNOWN', 404, '摄像头不存在。', 'No such camera.'),
};

const HoldSchema = Type.Object({
  id: Type.Integer(),
  enterpriseId: Type.String(),
  cameraId: Type.String(),
  from: Type.String(),
  to: Type.String(),
  reason: Type.String(),
  openedBy: Type.String(),
  openedAt: Type.String(),
  closedAt: Type.Union([Type.String(), Type.Null()]),
});
const view = (h: RecordingHold) => ({
  id: h.id,
  enterpriseId: h.enterpriseId,
  cameraId: h.cameraId,
  from: iso(h.fromAt),
  to: iso(h.toAt),
  reason: h.reason,
  openedBy: h.openedBy,
  openedAt: iso(h.openedAt),
  closedAt: h.closedAt === null ? null : iso(h.closedAt),
});

/**
 * Recording holds (an audit question on a camera's time window): whoever may audit may hold the
 * recording of a camera of their scope; retention keeps every segment a hold overlaps until closed.
 */
export const recordingHoldsRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const repo = new RecordingHoldsRepo(services.db);
  const tags = ['audit'];
  const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
  const enterpriseOf = (cameraId: string) =>
    services.config.sites.find((s) => s.cameras.some((c) => c.id === cameraId))?.enterpriseId;

  app.get(
    '/api/recordings/holds',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags,
        summary: 'Open recording holds 录像保全',
        response: { 200: Type.Array(HoldSchema), ...errors },
      },
    },
    async (req) => repo.openFor([...principalOf(req).scope.enterpriseIds]).map(view),
  );

  app.post(
    '/api/recordings/holds',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags,
        summary: "Hold a camera's recording for an audit question 保全录像（审计质询）",
        body: Type.Object(
          {
            cameraId: Type.String({ minLength: 1, maxLength: 64 }),
            from: Type.String({ format: 'date-time' }),
            to: Type.String({ format: 'date-time' }),
            reason: Type.String({ minLength: 2, maxLength: 500 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: HoldSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { principal, scope } = principalOf(req);
      const { cameraId, reason } = req.body;
      const enterpriseId = enterpriseOf(cameraId);
      if (!enterpriseId || !scope.can(enterpriseId)) throw HoldErrors.cameraUnknown({ cameraId });
      const fromAt = Date.parse(req.body.from);
      const toAt = Date.parse(req.body.to);
      if (!(fromAt < toAt) || toAt - fromAt > 31 * 86_400_000) throw HoldErrors.badWindow(req.body);
      const by = principal.username;
      const id = services.bus.transaction(() => {
        const holdId = repo.open({
          enterpriseId,
          cameraId,
          fromAt,
          toAt,
          reason,
          openedBy: by,
          openedAt: services.clock.now(),
        });
        services.bus.publish('recording.holdOpened', enterpriseId, {
          holdId,
          cameraId,
          from: iso(fromAt),
          to: iso(toAt),
          reason,
          by,
        });
        return holdId;
      });
      return reply.code(201).send(view(repo.get(id)!));
    },
  );

  app.post(
    '/api/recordings/holds/:id/close',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags,
        summary: 'Close a recording hold (retention applies again) 解除录像保全',
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }),
        response: { 200: HoldSchema, ...errors },
      },
    },
    async (req) => {
      const { principal, scope } = principalOf(req);
      const hold = repo.get(req.params.id);
      if (!hold || !scope.can(hold.enterpriseId)) throw HoldErrors.notFound({ id: req.params.id });
      services.bus.transaction(() => {
        if (!repo.close(hold.id, services.clock.now())) return;
        services.bus.publish('recording.holdClosed', hold.enterpriseId, {
          holdId: hold.id,
          cameraId: hold.cameraId,
          from: iso(hold.fromAt),
          to: iso(hold.toAt),
          reason: hold.reason,
          by: principal.username,
        });
      });
      return view(repo.get(hold.id)!);
    },
  );
};
