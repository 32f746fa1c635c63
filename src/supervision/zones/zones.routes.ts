import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { ZoneSchema } from './zone.schema.ts';
import type { ZonesService } from './zones.service.ts';

const ZoneSetSchema = Type.Object({
  cameraId: Type.String(),
  source: Type.Union([Type.Literal('config'), Type.Literal('api')]),
  version: Type.Integer(),
  updatedAt: Type.String(),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  zones: Type.Array(ZoneSchema),
});
const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** GET/PUT /api/cameras/:id/zones — a camera's zone polygons (normalised 0..1), tenancy-scoped. */
export const zonesRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const zones = (): ZonesService => {
    return services.supervision.zones;
  };
  const scoped = (req: Parameters<typeof principalOf>[0], cameraId: string) => {
    const { scope, principal } = principalOf(req);
    let enterpriseId: string | undefined;
    try {
      enterpriseId = zones().camera(cameraId).enterpriseId;
    } catch (e) {
      if ((e as { status?: number }).status === 404) scope.assert(undefined);
      throw e;
    }
    scope.assert(enterpriseId);
    return principal;
  };
  app.get(
    '/api/cameras/:id/zones',
    {
      config: { permission: 'camera:read' },
      schema: {
        tags: ['zones'],
        summary: 'Camera zones 摄像头区域',
        params: Params,
        response: { 200: ZoneSetSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (req) => {
      scoped(req, req.params.id);
      return zones().get(req.params.id);
    },
  );
  app.put(
    '/api/cameras/:id/zones',
    {
      config: { permission: 'camera:write' },
      schema: {
        tags: ['zones'],
        summary: 'Replace camera zones 设置摄像头区域',
        description:
          'Replaces the whole zone set (作业区 work_area, 危险区 danger_zone, 有限空间入口 confined_entrance, 监护位 guardian_post). ' +
          'After this the API owns the zones of this camera; config changes no longer replace them.',
        params: Params,
        body: Type.Object(
          { zones: Type.Array(ZoneSchema, { maxItems: 32 }) },
          { additionalProperties: false },
        ),
        response: { 200: ZoneSetSchema, 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (req) => {
      const principal = scoped(req, req.params.id);
      return zones().replace(req.params.id, req.body.zones, principal.username);
    },
  );
};
