import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../../app-services.ts';
import { bearerToken, principalOf } from '../auth-hook.ts';
import { ErrorSchema } from '../schemas.ts';
import { ROLE_PERMISSIONS } from '../../auth/permissions.ts';

export const PrincipalSchema = Type.Object({
  userId: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  enterpriseId: Type.Union([Type.String(), Type.Null()]),
  regionId: Type.Union([Type.String(), Type.Null()]),
});

export const authRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (app, { services }) => {
  app.post(
    '/api/auth/login',
    {
      config: {
        permission: 'public',
        // Per username and address, counted after the body is parsed: brute force on one account is
        // slowed down without locking out a whole plant behind one NAT address.
        rateLimit: {
          max: 10,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (req) =>
            `${req.ip}|${(req.body as { username?: string } | undefined)?.username ?? ''}`,
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in 登录',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ token: Type.String(), expiresAt: Type.String(), user: PrincipalSchema }),
          401: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (req) => services.auth.login(req.body.username, req.body.password),
  );
  app.post(
    '/api/auth/logout',
    {
      config: { permission: 'authenticated' },
      schema: { tags: ['auth'], summary: 'Sign out 退出', response: { 204: Type.Null() } },
    },
    async (req, reply) => {
      const token = bearerToken(req);
      if (token) services.auth.logout(token);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/me',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Who am I 当前用户',
        response: {
          200: Type.Object({
            user: PrincipalSchema,
            enterpriseIds: Type.Array(Type.String()),
            // what the role may do, so the pages offer only the buttons the service would accept
            permissions: Type.Array(Type.String()),
          }),
        },
      },
    },
    async (req) => {
      const { principal, scope } = principalOf(req);
      return {
        user: principal,
        enterpriseIds: [...scope.enterpriseIds],
        permissions: [...ROLE_PERMISSIONS[principal.role]],
      };
    },
  );
};
