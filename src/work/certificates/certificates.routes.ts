import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { certificateCategories } from './certificate-categories.ts';
import type { Certificate } from './certificates.repo.ts';

/** A date as written on the card, or an instant: the service reads it (a bad one is a coded 400). */
const DateText = (description: string) =>
  Type.String({
    minLength: 10,
    maxLength: 40,
    description: `${description}: YYYY-MM-DD (Asia/Shanghai day) or RFC 3339 date-time`,
  });

const CertSchema = Type.Object({
  id: Type.Integer(),
  enterpriseId: Type.String(),
  userId: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  number: Type.String(),
  category: Type.String(),
  issuedAt: Type.String(),
  /** exclusive: the card is valid before this instant (the midnight after 有效期至) */
  expiresAt: Type.String(),
  /** exclusive: a passed review must be recorded before this instant */
  reviewDueAt: Type.String(),
  revoked: Type.Boolean(),
  status: Type.Union([
    Type.Literal('valid'),
    Type.Literal('expiring'),
    Type.Literal('expired'),
    Type.Literal('review_overdue'),
    Type.Literal('revoked'),
  ]),
});

/** 特种作业操作证 of the workers named on permits, their 复审 and the categories a card may have. */
export const certificatesRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const { certificates } = services.work;
  const tags = ['certificates'];
  const toApi = (c: Certificate, now: number) => {
    const holder = services.users.byId(c.userId);
    return {
      ...c,
      username: holder?.username ?? String(c.userId),
      displayName: holder?.displayName ?? '',
      issuedAt: new Date(c.issuedAt).toISOString(),
      expiresAt: new Date(c.expiresAt).toISOString(),
      reviewDueAt: new Date(c.reviewDueAt).toISOString(),
      status: certificates.statusOf(c, now),
    };
  };
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
            issuedAt: DateText('发证日期 issue date'),
            expiresAt: DateText('有效期至 valid through'),
            reviewDueAt: Type.Optional(DateText('复审日期 review due by (default: issue + 3 years)')),
          },
          { additionalProperties: false },
        ),
        response: { 201: CertSchema, 400: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (req, reply) => {
      const c = certificates.register(principalOf(req).scope, req.body);
      return reply.status(201).send(toApi(c, services.clock.now()));
    },
  );
  app.get(
    '/api/certificates',
    {
      config: { permission: 'permit:read' },
      schema: { tags, summary: 'Certificates 证书列表', response: { 200: Type.Array(CertSchema) } },
    },
    async (req) => {
      const now = services.clock.now();
      return certificates.list(principalOf(req).scope).map((c) => toApi(c, now));
    },
  );
  app.get(
    '/api/certificates/categories',
    {
      config: { permission: 'permit:read' },
      schema: {
        tags,
        summary: 'Special-work categories and the kinds requiring them 作业类别',
        response: {
          200: Type.Array(Type.Object({ category: Type.String(), requiredBy: Type.Array(Type.String()) })),
        },
      },
    },
    async () => certificateCategories(),
  );
  app.post(
    '/api/certificates/:id/reviews',
    {
      config: { permission: 'permit:create' },
      schema: {
        tags,
        summary: 'Record a passed review 登记复审合格',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object(
          { reviewedAt: DateText('复审日期 the day the review was passed') },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            certificate: CertSchema,
            review: Type.Object({
              id: Type.Integer(),
              reviewedAt: Type.String(),
              previousDueAt: Type.String(),
              nextDueAt: Type.String(),
            }),
          }),
          400: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (req, reply) => {
      const { scope, principal } = principalOf(req);
      const r = certificates.recordReview(scope, req.params.id, req.body.reviewedAt, principal.userId);
      const iso = (t: number) => new Date(t).toISOString();
      return reply.status(201).send({
        certificate: toApi(r.certificate, services.clock.now()),
        review: {
          id: r.review.id,
          reviewedAt: iso(r.review.reviewedAt),
          previousDueAt: iso(r.review.previousDueAt),
          nextDueAt: iso(r.review.nextDueAt),
        },
      });
    },
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
