import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import type { DeviceKind } from '../../platform/mqtt/device-identity.ts';
import { defineError } from '../../platform/shared/errors.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';

const CredentialErrors = {
  none: defineError(
    'JH_ERR_MQTT_NO_CREDENTIAL',
    404,
    '该设备没有有效的 MQTT 凭据。',
    'The device has no live MQTT credential.',
  ),
};

const Params = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' }) });
const Issued = Type.Object({
  username: Type.String({ description: 'MQTT username, also the only client id the device may use' }),
  clientId: Type.String(),
  secret: Type.String({ description: 'MQTT password; shown this once, stored only as a hash 仅显示一次' }),
  topics: Type.Object({ publish: Type.String(), command: Type.String() }),
  issuedAt: Type.String(),
});
const Status = Type.Object({
  username: Type.String(),
  issuedAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});
const errors = { 403: ErrorSchema, 404: ErrorSchema };
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Device identity (#23): an administrator issues each chip and lock its own MQTT credential (shown
 * once; issuing again replaces it) and revokes it; both end the device's live connection.
 */
export const deviceCredentialsRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const { devices, config } = services;
  const { machines, locks } = services.work;
  const find = (kind: DeviceKind, scope: EnterpriseScope, id: string) =>
    kind === 'machine' ? machines.get(scope, id) : locks.get(scope, id);

  // One answer for the admin page's tables (a per-device GET would be a 404 for every device without
  // one, and a request per row).
  app.get(
    '/api/mqtt-credentials',
    {
      config: { permission: 'machine:read' },
      schema: {
        tags: ['machines', 'locks'],
        summary: 'MQTT credential state of every chip and lock 各设备 MQTT 凭据状态',
        response: {
          200: Type.Array(
            Type.Object({
              kind: Type.Union([Type.Literal('machine'), Type.Literal('lock')]),
              deviceId: Type.String(),
              ...Status.properties,
            }),
          ),
          403: ErrorSchema,
        },
      },
    },
    async (req) =>
      devices.list([...principalOf(req).scope.enterpriseIds]).map((d) => ({
        ...d,
        issuedAt: iso(d.issuedAt),
        revokedAt: d.revokedAt ? iso(d.revokedAt) : null,
      })),
  );

  for (const [kind, path, tag] of [
    ['machine', 'machines', 'machines'],
    ['lock', 'locks', 'locks'],
  ] as const) {
    app.post(
      `/api/${path}/:id/mqtt-credential`,
      {
        config: { permission: 'machine:write' },
        schema: {
          tags: [tag],
          summary: 'Issue the device its MQTT credential (shown once) 签发设备 MQTT 凭据（仅显示一次）',
          params: Params,
          response: { 201: Issued, ...errors },
        },
      },
      async (req, reply) => {
        const { principal, scope } = principalOf(req);
        const d = find(kind, scope, req.params.id);
        const identity = { kind, id: d.id, siteId: d.siteId, enterpriseId: d.enterpriseId };
        const { username, secret } = devices.issue(identity, principal.userId);
        const base = `${config.permits.chips.topicPrefix}/${d.siteId}/${path}/${d.id}`;
        reply.header('cache-control', 'no-store');
        return reply.status(201).send({
          username,
          clientId: username,
          secret,
          topics: {
            publish: `${base}/${kind === 'machine' ? 'telemetry' : 'event'}`,
            command: `${base}/command`,
          },
          issuedAt: iso(devices.status(kind, d.id)!.issuedAt),
        });
      },
    );

    app.get(
      `/api/${path}/:id/mqtt-credential`,
      {
        config: { permission: 'machine:read' },
        schema: {
          tags: [tag],
          summary: 'Whether the device has an MQTT credential 设备 MQTT 凭据状态',
          params: Params,
          response: { 200: Status, ...errors },
        },
      },
      async (req) => {
        const d = find(kind, principalOf(req).scope, req.params.id);
        const s = devices.status(kind, d.id);
        if (!s) throw CredentialErrors.none({ [`${kind}Id`]: d.id });
        return {
          username: s.username,
          issuedAt: iso(s.issuedAt),
          revokedAt: s.revokedAt ? iso(s.revokedAt) : null,
        };
      },
    );

    app.delete(
      `/api/${path}/:id/mqtt-credential`,
      {
        config: { permission: 'machine:write' },
        schema: {
          tags: [tag],
          summary: 'Revoke the device’s MQTT credential 吊销设备 MQTT 凭据',
          params: Params,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        const d = find(kind, principalOf(req).scope, req.params.id);
        if (!devices.revoke(kind, d.id)) throw CredentialErrors.none({ [`${kind}Id`]: d.id });
        return reply.status(204).send(null);
      },
    );
  }
};
