import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { cookieRequestRefusal } from '../../platform/http/origin-guard.ts';
import { ErrorSchema, fileResponse } from '../../platform/http/schemas.ts';
import { TenancyErrors } from '../../platform/tenancy/scope.ts';
import { reportPosterPng, reportPageUrl } from './poster.ts';

const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const publicErrors = {
  400: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  413: ErrorSchema,
  415: ErrorSchema,
  429: ErrorSchema,
};
const EnterpriseParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
const StatusSchema = Type.Object({
  receipt: Type.String({ description: 'XXXX-XXXX-XXXX' }),
  status: Type.Union([Type.Literal('accepted'), Type.Literal('rectifying'), Type.Literal('closed')]),
  statusZh: Type.String({ description: '已受理 / 整改中 / 已销号' }),
  statusEn: Type.String(),
  reportedOn: Type.String({ description: 'YYYY-MM-DD' }),
});
const ChannelSchema = Type.Object({ url: Type.String(), createdAt: Type.String() });

/** Per address: a person reports a few hazards, a flood is refused (JH_ERR_HTTP_RATE_LIMITED). */
export const REPORT_RATE = { max: 5, timeWindow: '10 minutes' };
const STATUS_RATE = { max: 30, timeWindow: '1 minute' };

/**
 * 群众/员工举报. Two public routes (no sign-in): file a report with a poster's token, and read a
 * receipt's status in words. The enterprise's poster and its token are for its safety staff and admin.
 */
export const publicReportsRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const reports = services.oversight.publicReports;
  const tags = ['public-reports'];
  const channel = (token: string) => ({
    url: reportPageUrl(services.tls.publicBaseUrl(), token),
  });

  app.post(
    '/api/public/reports',
    {
      config: { permission: 'public', rateLimit: REPORT_RATE },
      // a phone photo, shrunk by the page, fits well inside; the service checks the decoded size again
      bodyLimit: 3 * 1024 * 1024,
      // No session rides on this call, so no classic CSRF; but a foreign page could make its visitors'
      // browsers file reports from their own addresses, past the per-address limit. So the same guard
      // as cookie sessions: an Origin naming this service, and a JSON body (a cross-site form cannot
      // send one without a CORS preflight, which this service never grants).
      onRequest: async (req) => {
        const refusal = cookieRequestRefusal(req.method, req.headers, services.config.server.allowedOrigins);
        if (refusal) throw refusal;
      },
      schema: {
        tags,
        summary: 'File a public hazard report 群众举报 (no sign-in)',
        description:
          'From the page a poster QR opens. Needs an Origin of this service and a JSON body; 5 per 10 minutes per address. The report becomes a hazard at stage 群众举报; keep the receipt to follow it.',
        security: [],
        body: Type.Object(
          {
            token: Type.String({ maxLength: 128, description: 'the poster token (the QR fragment #t=)' }),
            description: Type.String({ minLength: 1, maxLength: 2000 }),
            place: Type.Optional(Type.String({ maxLength: 200 })),
            contact: Type.Optional(Type.String({ maxLength: 100 })),
            photo: Type.Optional(Type.String({ description: 'base64 JPEG or PNG, 2 MB at most' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ receipt: Type.String(), status: StatusSchema }), ...publicErrors },
      },
    },
    async (req, reply) => reply.status(201).send(reports.submit(req.body)),
  );

  app.get(
    '/api/public/reports/:receipt',
    {
      config: { permission: 'public', rateLimit: STATUS_RATE },
      schema: {
        tags,
        summary: 'A report’s status in words 举报处理进度 (no sign-in)',
        description: 'Unknown and malformed receipts get the same 404; 30 per minute per address.',
        security: [],
        params: Type.Object({ receipt: Type.String() }, { additionalProperties: false }),
        response: { 200: StatusSchema, 404: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return reports.status(req.params.receipt);
    },
  );

  app.get(
    '/api/enterprises/:id/report-poster.png',
    {
      config: { permission: 'hazard:write' },
      schema: {
        tags,
        summary: 'A4 poster to print 隐患举报二维码海报 (PNG)',
        description:
          'The QR opens https://<server.publicUrl>/ui/report.html#t=<token> (error correction Q, 900 px wide on an A4 page at 150 dpi).',
        params: EnterpriseParams,
        response: { 200: fileResponse('the poster 举报海报', ['image/png']), ...errors },
      },
    },
    async (req, reply) => {
      const { principal, scope } = principalOf(req);
      const token = reports.posterToken(principal, scope, req.params.id);
      const e = services.tenancy.enterprises().find((x) => x.id === req.params.id);
      if (!e) throw TenancyErrors.notVisible();
      reply.type('image/png').header('cache-control', 'no-store');
      return reportPosterPng(channel(token).url, e.name);
    },
  );

  app.get(
    '/api/enterprises/:id/report-channel',
    {
      config: { permission: 'hazard:write' },
      schema: {
        tags,
        summary: 'The report page address the poster opens 举报入口',
        params: EnterpriseParams,
        response: { 200: ChannelSchema, ...errors },
      },
    },
    async (req) => {
      const { principal, scope } = principalOf(req);
      const token = reports.posterToken(principal, scope, req.params.id);
      return { ...channel(token), createdAt: reports.repo.liveToken(req.params.id)!.createdAt };
    },
  );

  app.post(
    '/api/enterprises/:id/report-channel/rotate',
    {
      config: { permission: 'user:write' },
      schema: {
        tags,
        summary: 'New poster token, old posters void 更换举报二维码',
        params: EnterpriseParams,
        response: { 200: ChannelSchema, ...errors },
      },
    },
    async (req) => {
      const { principal, scope } = principalOf(req);
      const token = reports.rotate(principal, scope, req.params.id);
      return { ...channel(token), createdAt: reports.repo.liveToken(req.params.id)!.createdAt };
    },
  );

  app.post(
    '/api/enterprises/:id/report-channel/revoke',
    {
      config: { permission: 'user:write' },
      schema: {
        tags,
        summary: 'Close the report channel 停用举报二维码',
        description: 'Every poster stops working; asking for the poster again issues a new token.',
        params: EnterpriseParams,
        response: { 200: Type.Object({ revoked: Type.Boolean() }), ...errors },
      },
    },
    async (req) => ({ revoked: reports.revoke(principalOf(req).scope, req.params.id) }),
  );

  app.get(
    '/api/hazards/:id/public-report',
    {
      config: { permission: 'hazard:read' },
      schema: {
        tags,
        summary: 'How a reported hazard came in 举报来源',
        description: 'The reporter’s contact is shown to regulators only (null for everyone else).',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            reportedAt: Type.String(),
            anonymous: Type.Boolean(),
            contact: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { principal, scope } = principalOf(req);
      return reports.reportOf(principal, scope, req.params.id);
    },
  );
};
