import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema, fileResponse } from '../../platform/http/schemas.ts';
import { TelemetrySchema } from './chips.service.ts';
import { machineLabelPng, scanPageUrl } from './machine-label.ts';

const IdStr = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' });
const Params = Type.Object({ id: IdStr });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lon = Type.Number({ minimum: -180, maximum: 180 });
const MachineSchema = Type.Object({
  id: Type.String(),
  enterpriseId: Type.String(),
  siteId: Type.String(),
  name: Type.String(),
  cameraId: Type.Union([Type.String(), Type.Null()]),
  lat: Type.Number(),
  lon: Type.Number(),
  tokenVersion: Type.Integer(),
  revoked: Type.Boolean(),
});
const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

/** 一机一码 routes: machine register, QR labels, the welder's scan, chip telemetry over HTTP. */
export const machinesRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const { machines, scan, chips } = services.work;
  const tags = ['machines'];

  app.post(
    '/api/machines',
    {
      config: { permission: 'machine:write' },
      schema: {
        tags,
        summary: 'Register a welding machine 登记焊机',
        body: Type.Object(
          {
            id: IdStr,
            name: Type.String({ minLength: 1, maxLength: 100 }),
            siteId: IdStr,
            cameraId: Type.Optional(IdStr),
            lat: Lat,
            lon: Lon,
          },
          { additionalProperties: false },
        ),
        response: { 201: MachineSchema, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(machines.register(principalOf(req).scope, req.body)),
  );

  app.get(
    '/api/machines',
    {
      config: { permission: 'machine:read' },
      schema: { tags, summary: 'Machines 焊机列表', response: { 200: Type.Array(MachineSchema) } },
    },
    async (req) => machines.list(principalOf(req).scope),
  );

  app.get(
    '/api/machines/:id/qr.png',
    {
      config: { permission: 'machine:write' },
      schema: {
        tags,
        summary: 'QR label to print 二维码标签 (PNG)',
        description:
          'The QR opens https://<server.publicUrl>/ui/phone.html#m=<token> (error correction Q, ≥ 591 px wide: 50 mm at 300 dpi); the machine code printed under it may be typed instead.',
        params: Params,
        response: { 200: fileResponse('the label 二维码标签', ['image/png']) },
      },
    },
    async (req, reply) => {
      const scope = principalOf(req).scope;
      const token = machines.qrToken(scope, req.params.id);
      const m = machines.get(scope, req.params.id);
      reply.type('image/png').header('cache-control', 'no-store');
      return machineLabelPng(scanPageUrl(services.tls.publicBaseUrl(), token), m.name, m.id);
    },
  );

  for (const action of ['rotate', 'revoke'] as const) {
    app.post(
      `/api/machines/:id/qr/${action}`,
      {
        config: { permission: 'machine:write' },
        schema: {
          tags,
          summary:
            action === 'rotate' ? 'New QR label, old ones void 更换二维码' : 'Void the QR label 作废二维码',
          params: Params,
          response: { 200: MachineSchema, ...errors },
        },
      },
      async (req) => machines.rotate(principalOf(req).scope, req.params.id, action === 'revoke'),
    );
  }

  app.get(
    '/api/machines/:id/scans',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags,
        summary: 'Scan records 扫码记录',
        params: Params,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Array(
            Type.Object({
              id: Type.Integer(),
              userId: Type.Integer(),
              result: Type.String(),
              at: Type.String(),
              distanceM: Type.Union([Type.Number(), Type.Null()]),
              permitId: Type.Union([Type.String(), Type.Null()]),
              warnings: Type.Array(Type.String()),
            }),
          ),
          404: ErrorSchema,
        },
      },
    },
    async (req) =>
      machines
        .scans(principalOf(req).scope, req.params.id, req.query.limit)
        .map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
  );

  app.post(
    '/api/scan',
    {
      config: { permission: 'scan:submit' },
      schema: {
        tags,
        summary: 'Welder scans a machine QR or types its code 焊工扫码或输入焊机编号 (一机一码)',
        body: Type.Object(
          {
            qr: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 512,
                description: 'what the QR says: the scan-page URL (#m=<token>) or the bare token',
              }),
            ),
            code: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 64,
                description: 'the machine code printed under the QR, typed instead of scanning',
              }),
            ),
            nonce: Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$', description: 'fresh random per scan' }),
            scannedAt: Type.String({ format: 'date-time' }),
            lat: Lat,
            lon: Lon,
            accuracyM: Type.Number({ minimum: 0, maximum: 100_000 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            authorisation: Type.String(),
            expiresAt: Type.String(),
            machineId: Type.String(),
            permitId: Type.String(),
            permitNumber: Type.String(),
            warnings: Type.Array(Type.String()),
            distanceM: Type.Number(),
          }),
          ...errors,
        },
      },
    },
    async (req) =>
      scan.scanBatched(principalOf(req), { ...req.body, scannedAt: Date.parse(req.body.scannedAt) }),
  );

  app.post(
    '/api/machines/:id/telemetry',
    {
      config: { permission: 'machine:write' },
      schema: {
        tags,
        summary: 'Chip report over HTTP 芯片上报 (加芯赋码)',
        params: Params,
        body: TelemetrySchema,
        response: { 200: Type.Object({ verdict: Type.String() }), ...errors },
      },
    },
    async (req) => {
      const m = machines.get(principalOf(req).scope, req.params.id);
      return { verdict: chips.report(m, req.body, 'http') };
    },
  );
};
