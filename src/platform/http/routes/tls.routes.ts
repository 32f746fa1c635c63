import { X509Certificate } from 'node:crypto';
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../../app-services.ts';
import { Errors } from '../../shared/errors.ts';
import { ErrorSchema, fileResponse } from '../schemas.ts';

const TlsSchema = Type.Object({
  enabled: Type.Boolean(),
  source: Type.Union([Type.Literal('self-signed'), Type.Literal('file'), Type.Null()]),
  fingerprintSha256: Type.Union([Type.String(), Type.Null()]),
  subjectAltNames: Type.Array(Type.String()),
  subject: Type.Union([Type.String(), Type.Null()]),
  notAfter: Type.Union([Type.String(), Type.Null()]),
  publicUrl: Type.String({ description: 'what machine QR labels open: server.publicUrl or the LAN address' }),
});

/**
 * The HTTPS certificate as the admin hands it to phones: its SHA-256 fingerprint (to compare with what
 * the phone's browser shows before trusting it) and the certificate itself to install. Both are public
 * by nature (every TLS handshake sends the certificate); only the admin screen lists the details.
 */
export const tlsRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (app, { services }) => {
  const tls = services.tls;
  app.get(
    '/api/server/tls',
    {
      // the enterprise admin prints the QR labels phones open, and installs the certificate on them
      config: { permission: 'machine:write' },
      schema: {
        tags: ['system'],
        summary: 'HTTPS certificate and its fingerprint HTTPS 证书与指纹',
        response: { 200: TlsSchema, 403: ErrorSchema },
      },
    },
    async () => ({
      enabled: tls.info !== null,
      source: tls.info?.source ?? null,
      fingerprintSha256: tls.info?.fingerprintSha256 ?? null,
      subjectAltNames: tls.info?.subjectAltNames ?? [],
      subject: tls.info?.subject ?? null,
      notAfter: tls.info?.notAfter ?? null,
      publicUrl: tls.publicBaseUrl(),
    }),
  );
  app.get(
    '/api/server/tls/certificate.crt',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['system'],
        summary: 'The served certificate, to install on a phone 下载证书（安装到手机）',
        response: {
          200: fileResponse('the certificate (DER)', ['application/x-x509-ca-cert']),
          404: ErrorSchema,
        },
      },
    },
    async (_req, reply) => {
      if (!tls.credentials) throw Errors.notFound({ what: 'https certificate' });
      // the first certificate of the PEM (a plant's chain follows it), as DER: what phones install
      const der = new X509Certificate(tls.credentials.cert).raw;
      reply
        .type('application/x-x509-ca-cert')
        .header('content-disposition', 'attachment; filename="jianhu.crt"');
      return der;
    },
  );
};
