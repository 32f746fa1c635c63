import QRCode from 'qrcode';
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../app-services.ts';
import { principalOf } from '../platform/http/auth-hook.ts';
import { ErrorSchema, fileResponse } from '../platform/http/schemas.ts';

/**
 * The QR printed on the paper 作业票: it opens the permit's page on the desk, so whoever holds the
 * paper (a guardian at the work point, an inspector) reaches the live permit — its state, gas tests
 * and signatures — instead of trusting the print. The URL is the origin the printing browser used.
 * Tenancy is the permits service's own (`detail` refuses what the caller may not see).
 */
export const permitQrRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/ui/permit-qr/:permitId',
    {
      config: { permission: 'permit:read' },
      schema: {
        tags: ['ui'],
        summary: 'QR of the permit’s page for the printed 作业票 (SVG)',
        params: Type.Object({ permitId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: fileResponse('the QR 二维码', ['image/svg+xml']), 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      const { permit } = services.work.permits.detail(req.params.permitId, principalOf(req));
      const url = `${req.protocol}://${req.host}/ui/permits.html#p/${encodeURIComponent(permit.id)}`;
      const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
      return reply.type('image/svg+xml').header('cache-control', 'no-store').send(svg);
    },
  );
};
