import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../../app-services.ts';
import { ROLES } from '../../auth/roles.ts';
import { principalOf } from '../auth-hook.ts';
import { ErrorSchema } from '../schemas.ts';

const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
const UserSchema = Type.Object({
  userId: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  enterpriseId: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
});
const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

/** 用户与角色: an enterprise admin manages its own enterprise's accounts. */
export const usersRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const admin = services.userAdmin;
  const tags = ['users'];
  app.get(
    '/api/users',
    {
      config: { permission: 'user:read' },
      schema: {
        tags,
        summary: 'Users of my enterprise 本企业用户',
        response: { 200: Type.Array(UserSchema) },
      },
    },
    async (req) => admin.list(principalOf(req).scope),
  );
  app.post(
    '/api/users',
    {
      config: { permission: 'user:write' },
      schema: {
        tags,
        summary: 'Create a user 新建用户',
        body: Type.Object(
          {
            username: Type.String({ pattern: '^[A-Za-z0-9_.-]{2,64}$' }),
            displayName: Type.String({ minLength: 1, maxLength: 64 }),
            role: RoleSchema,
            password: Type.String({ minLength: 8, maxLength: 256 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserSchema, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await admin.create(principalOf(req).principal, req.body)),
  );
  app.patch(
    '/api/users/:id',
    {
      config: { permission: 'user:write' },
      schema: {
        tags,
        summary: 'Change role, name, password or disable 修改用户',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object(
          {
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            role: Type.Optional(RoleSchema),
            password: Type.Optional(Type.String({ minLength: 8, maxLength: 256 })),
            disabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserSchema, ...errors },
      },
    },
    async (req) => {
      const { principal, scope } = principalOf(req);
      return admin.update(principal, scope, req.params.id, req.body);
    },
  );
};
