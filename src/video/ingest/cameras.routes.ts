import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { iso } from '../../platform/shared/clock.ts';
import { IngestErrors } from './errors.ts';
import { isLive } from './types.ts';

const State = Type.Union([
  Type.Literal('online'),
  Type.Literal('offline'),
  Type.Literal('stalled'),
  Type.Literal('frozen'),
  Type.Literal('dark'),
  Type.Literal('obstructed'),
  Type.Literal('recovering'),
]);

const CameraSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  siteId: Type.String(),
  enterpriseId: Type.String(),
  enabled: Type.Boolean(),
  state: State,
  live: Type.Boolean({ description: 'monitoring counts as live only when online 仅在线时视为有效监控' }),
  reason: Type.String(),
  message: Type.String(),
  since: Type.String({ format: 'date-time' }),
});

const HealthRowSchema = Type.Object({
  state: State,
  reason: Type.String(),
  message: Type.String(),
  since: Type.String({ format: 'date-time' }),
  until: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const MAX_RANGE_MS = 400 * 24 * 3600_000;

/**
 * GET /api/cameras — the cameras the caller may see (by enterprise), each with its health now.
 * GET /api/cameras/:id/health?from&to — the camera's health history (what regulators audit).
 * Stream URLs are never returned: they may carry credentials.
 */
export const cameraRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/cameras',
    {
      config: { permission: 'camera:read' },
      schema: {
        tags: ['cameras'],
        summary: 'Cameras and their health 摄像头及其状态',
        response: {
          200: Type.Object({ cameras: Type.Array(CameraSchema) }),
          401: ErrorSchema,
          403: ErrorSchema,
        },
      },
    },
    async (req) => {
      const { scope } = principalOf(req);
      // ingest's cameras follow the catalog: one added at run time is here at once, a removed one gone
      const cameras = services.video.ingest
        .cameras()
        .filter((c) => scope.can(c.enterpriseId))
        .map((c) => {
          const h = services.video.ingest.current(c.id);
          return {
            id: c.id,
            name: c.name,
            siteId: c.siteId,
            enterpriseId: c.enterpriseId,
            enabled: c.enabled,
            state: h.state,
            live: isLive(h.state),
            reason: h.reason,
            message: h.message,
            since: iso(h.since),
          };
        });
      return { cameras };
    },
  );

  app.get(
    '/api/cameras/:id/health',
    {
      config: { permission: 'camera:read' },
      schema: {
        tags: ['cameras'],
        summary: 'Camera health history 摄像头状态记录',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object(
          {
            from: Type.Optional(
              Type.String({ format: 'date-time', description: 'default: 24 h before `to`' }),
            ),
            to: Type.Optional(Type.String({ format: 'date-time', description: 'default: now' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            cameraId: Type.String(),
            from: Type.String(),
            to: Type.String(),
            records: Type.Array(HealthRowSchema),
          }),
          400: ErrorSchema,
          404: ErrorSchema,
          503: ErrorSchema,
        },
      },
    },
    async (req) => {
      const { scope } = principalOf(req);
      const cam = services.video.ingest.cameras().find((c) => c.id === req.params.id);
      if (!cam) throw IngestErrors.cameraNotFound({ cameraId: req.params.id });
      scope.assert(cam.enterpriseId);
      const to = req.query.to ? Date.parse(req.query.to) : services.clock.now();
      const from = req.query.from ? Date.parse(req.query.from) : to - 24 * 3600_000;
      if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to || to - from > MAX_RANGE_MS)
        throw IngestErrors.badRange({ from: req.query.from, to: req.query.to });
      const records = services.video.ingest.history(cam.id, from, to).map((r) => ({
        state: r.state,
        reason: r.reason,
        message: r.message,
        since: iso(r.sinceMs),
        until: r.untilMs === null ? null : iso(r.untilMs),
      }));
      return { cameraId: cam.id, from: iso(from), to: iso(to), records };
    },
  );
};
