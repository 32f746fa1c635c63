import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { TenancyErrors } from '../../platform/tenancy/scope.ts';
import { cameraSource } from '../sources/camera-source.ts';
import { probeCamera } from './probe.ts';
import { assertProbeTarget } from './probe-target.ts';

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
      const siteName = new Map(services.config.sites.map((s) => [s.id, s.name]));
      // the catalog: cameras added at run time are on the wall at once
      const items = services.video.cameras
        .list()
        .filter((c) => c.enabled && scope.can(c.enterpriseId))
        .map((c) => ({
          id: c.id,
          name: c.name,
          siteId: c.siteId,
          siteName: siteName.get(c.siteId) ?? c.siteId,
          enterpriseId: c.enterpriseId,
          livePath: `/live/${c.id}`,
        }));
      return { items };
    },
  );
  app.post(
    '/api/live/probe',
    {
      config: { permission: 'camera:write', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['live'],
        summary: 'Test a camera URL 测试摄像头地址',
        description:
          'Opens a configured camera (`cameraId`, its URL is never returned) or a URL being entered (`url`, rtsp/http only) with ffprobe, at most ~6 s. A `url` must name the host:port of a configured camera of your enterprise or an address in `ingest.probeAllowedNetworks` (403 `JH_ERR_PROBE_TARGET_NOT_ALLOWED` otherwise, before any connection).',
        body: Type.Union([
          Type.Object(
            { cameraId: Type.String({ minLength: 1, maxLength: 64 }) },
            { additionalProperties: false },
          ),
          Type.Object(
            {
              url: Type.String({ pattern: '^(rtsps?|https?)://[^\\s]+$', maxLength: 1000 }),
              rtspTransport: Type.Optional(
                Type.Union([Type.Literal('tcp'), Type.Literal('udp'), Type.Literal('auto')], {
                  description: 'default: ingest.rtspTransport',
                }),
              ),
            },
            { additionalProperties: false },
          ),
        ]),
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            ms: Type.Integer(),
            codec: Type.Optional(Type.String()),
            width: Type.Optional(Type.Integer()),
            height: Type.Optional(Type.Integer()),
            fps: Type.Optional(Type.Number()),
            gopSeconds: Type.Optional(Type.Number({ description: 'seconds between keyframes' })),
            gopLongerThanSeconds: Type.Optional(
              Type.Number({ description: 'no second keyframe within this many seconds of reading' }),
            ),
            transport: Type.Optional(
              Type.Union([Type.Literal('tcp'), Type.Literal('udp')], {
                description: 'the RTSP transport that opened it (auto resolved)',
              }),
            ),
            reason: Type.Optional(Type.String({ description: 'e.g. transport_unsupported' })),
            message: Type.Optional(Type.String()),
          }),
          400: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (req) => {
      const { scope } = principalOf(req);
      const cameras = services.video.cameras;
      // a URL being entered gets the transport chosen beside it (else the default); a camera its own
      if ('url' in req.body) {
        // only cameras the caller may see vouch for a host:port (another tenant's do not)
        const mine = cameras
          .list()
          .filter((c) => scope.can(c.enterpriseId))
          .flatMap((c) => [c.url, ...(c.recordUrl ? [c.recordUrl] : [])]);
        assertProbeTarget(req.body.url, mine, services.config.ingest.probeAllowedNetworks);
        const rtspTransport = req.body.rtspTransport ?? services.config.ingest.rtspTransport;
        return probeCamera({ url: req.body.url, rtspTransport });
      }
      const { cameraId } = req.body;
      const cam = cameras.get(cameraId);
      if (!cam || !scope.can(cam.enterpriseId)) throw TenancyErrors.notVisible({ cameraId });
      return probeCamera(
        cameraSource(
          { url: cam.url, ...(cam.rtspTransport ? { rtspTransport: cam.rtspTransport } : {}) },
          services.config.ingest,
        ),
      );
    },
  );
};
