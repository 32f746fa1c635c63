import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../app-services.ts';
import { principalOf } from '../api/auth-hook.ts';

const LiveCameraSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  siteId: Type.String(),
  siteName: Type.String(),
  enterpriseId: Type.String(),
  /** the relay path to open with a WebSocket (MPEG-TS, MPEG-1 video) */
  livePath: Type.String(),
});

/**
 * The cameras the caller may watch live, with their relay paths: what the live wall lays out.
 * (Camera health comes from ingest's API and the `camera.healthChanged` push.)
 */
export const liveRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (app, { services }) => {
  app.get(
    '/api/live/cameras',
    {
      config: { permission: 'camera:read' },
      schema: {
        tags: ['live'],
        summary: 'Cameras to watch live 可实时查看的摄像头',
        response: { 200: Type.Object({ items: Type.Array(LiveCameraSchema) }) },
      },
    },
    async (req) => {
      const { scope } = principalOf(req);
      const items = services.config.sites
        .filter((s) => scope.can(s.enterpriseId))
        .flatMap((s) =>
          s.cameras
            .filter((c) => c.enabled)
            .map((c) => ({
              id: c.id,
              name: c.name,
              siteId: s.id,
              siteName: s.name,
              enterpriseId: s.enterpriseId,
              livePath: `/live/${c.id}`,
            })),
        );
      return { items };
    },
  );
};
