import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import type { Certificate } from './certificates.repo.ts';

const CertSchema = Type.Object({
  id: Type.Integer(),
  enterpriseId: Type.String(),
  userId: Type.Integer(),
  number: Type.String(),
  category: Type.String(),
  issuedAt: Type.String(),
  expiresAt: Type.String(),
  revoked: Type.Boolean(),
});
const toApi = (c: Certificate) => ({
  ...c,
  issuedAt: new Date(c.issuedAt).toISOString(),
  expiresAt: new Date(c.expiresAt).toISOString(),
});

/** 特种作业操作证 of welders. */
export const certificatesRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const { certificates } = services.work;
  const tags = ['certificates'];
  app.post(
    '/api/certificates',
    {
      config: { permission: 'permit:create' },
      schema: {
        tags,
        summary: 'Register a special-operation certificate 登记特种作业操作证',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 64 }),
            number: Type.String({ minLength: 4, maxLength: 64 }),
            category: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            issuedAt: Type.String({ format: 'date-time' }),
            expiresAt: Type.String({ format: 'date-time' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: CertSchema, 400: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const c = certificates.register(principalOf(req).scope, {
        ...b,
        issuedAt: Date.parse(b.issuedAt),
        expiresAt: Date.parse(b.expiresAt),
      });
      return reply.status(201).send(toApi(c));
    },
  );
  app.get(
    '/api/certificates',
    {
      config: { permission: 'permit:read' },
      schema: { tags, summary: 'Certificates 证书列表', response: { 200: Type.Array(CertSchema) } },
    },
    async (req) => certificates.list(principalOf(req).scope).map(toApi),
  );
  app.post(
    '/api/certificates/:id/revoke',
    {
      config: { permission: 'permit:create' },
      schema: {
        tags,
        summary: 'Revoke a certificate 注销证书',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 204: Type.Null(), 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      certificates.revoke(principalOf(req).scope, req.params.id);
      return reply.status(204).send(null);
    },
  );
};
