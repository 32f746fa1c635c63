import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { IdSchema } from '../../platform/shared/id-schema.ts';
import { redactUrl } from '../../platform/shared/redact-url.ts';
import type { CatalogCamera } from './camera.types.ts';

const Transport = Type.Union([Type.Literal('tcp'), Type.Literal('udp'), Type.Literal('auto')], {
  description: 'RTSP transport; auto tries TCP, then UDP when the camera refuses TCP (461/400)',
});
const Url = Type.String({
  minLength: 8,
  maxLength: 1000,
  description: 'rtsp://, rtsps://, http:// or https:// (credentials allowed; never shown back)',
});

const SettingsSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  siteId: Type.String(),
  enterpriseId: Type.String(),
  url: Type.String({ description: 'credentials redacted' }),
  recordUrl: Type.Union([Type.String({ description: 'credentials redacted' }), Type.Null()]),
  rtspTransport: Type.Union([Transport, Type.Null()], { description: 'null: ingest.rtspTransport' }),
  enabled: Type.Boolean(),
  source: Type.Union([Type.Literal('config'), Type.Literal('api')], {
    description: 'config: as the config file says (refreshed at start); api: managed here',
  }),
  version: Type.Integer(),
  updatedAt: Type.String(),
});

const Fields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  siteId: IdSchema,
  url: Url,
  recordUrl: Type.Union([Url, Type.Null()]),
  rtspTransport: Type.Union([Transport, Type.Null()]),
  enabled: Type.Boolean(),
};

/** A camera's settings as an API shows them: its URLs without credentials. */
function shown(c: CatalogCamera) {
  return { ...c, url: redactUrl(c.url), recordUrl: c.recordUrl === null ? null : redactUrl(c.recordUrl) };
}

const Errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

/**
 * Cameras managed at run time by the enterprise admin (camera:write, their enterprise only; another's
 * camera or site answers 404 like an unknown one). Changes apply without a restart: ingest, the relay
 * and the wall follow (src/video/cameras). URLs are taken with credentials and never returned with them.
 */
export const camerasAdminRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const catalog = () => services.video.cameras;
  const caller = (req: Parameters<typeof principalOf>[0]) => {
    const { principal, scope } = principalOf(req);
    return { scope, username: principal.username };
  };

  app.get(
    '/api/cameras/settings',
    {
      config: { permission: 'camera:write' },
      schema: {
        tags: ['cameras'],
        summary: 'Camera settings, for the admin 摄像头设置',
        response: {
          200: Type.Object({ cameras: Type.Array(SettingsSchema) }),
          401: ErrorSchema,
          403: ErrorSchema,
        },
      },
    },
    async (req) => {
      const { scope } = principalOf(req);
      const cameras = catalog()
        .list()
        .filter((c) => scope.can(c.enterpriseId))
        .sort((a, b) => a.siteId.localeCompare(b.siteId) || a.id.localeCompare(b.id))
        .map(shown);
      return { cameras };
    },
  );

  app.post(
    '/api/cameras',
    {
      config: { permission: 'camera:write' },
      schema: {
        tags: ['cameras'],
        summary: 'Add a camera 添加摄像头',
        description:
          'Starts watching it at once (no restart). The URL must be a network camera on the host:port of a camera of your enterprise or in `ingest.probeAllowedNetworks` (403 `JH_ERR_PROBE_TARGET_NOT_ALLOWED`).',
        body: Type.Object(
          {
            id: IdSchema,
            name: Fields.name,
            siteId: Fields.siteId,
            url: Fields.url,
            recordUrl: Type.Optional(Fields.recordUrl),
            rtspTransport: Type.Optional(Fields.rtspTransport),
            enabled: Type.Optional(Fields.enabled),
          },
          { additionalProperties: false },
        ),
        response: { 201: SettingsSchema, ...Errors },
      },
    },
    async (req, reply) => {
      const camera = catalog().add(caller(req), req.body);
      return reply.code(201).send(shown(camera));
    },
  );

  app.patch(
    '/api/cameras/:id',
    {
      config: { permission: 'camera:write' },
      schema: {
        tags: ['cameras'],
        summary: 'Edit, disable or enable a camera 修改/停用摄像头',
        description:
          'Fields left out stay. A new url, recordUrl, rtspTransport or enabled restarts the camera’s stream; a camera from the config becomes managed here (the config no longer overrides it).',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Type.Partial(Type.Object(Fields), { additionalProperties: false, minProperties: 1 }),
        response: { 200: SettingsSchema, ...Errors },
      },
    },
    async (req) => shown(catalog().update(caller(req), req.params.id, req.body)),
  );

  app.delete(
    '/api/cameras/:id',
    {
      config: { permission: 'camera:write' },
      schema: {
        tags: ['cameras'],
        summary: 'Remove a camera 删除摄像头',
        description:
          'Refused (409 `JH_ERR_CAMERA_IN_USE`) while an active or suspended permit names it. Its health history stays.',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 204: Type.Null(), ...Errors },
      },
    },
    async (req, reply) => {
      catalog().remove(caller(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
};
