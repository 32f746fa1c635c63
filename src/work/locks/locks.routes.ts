import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { LockEventSchema } from './locks.service.ts';

const IdStr = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' });
const Params = Type.Object({ id: IdStr });
const LockSchema = Type.Object({
  id: Type.String(),
  enterpriseId: Type.String(),
  siteId: Type.String(),
  name: Type.String(),
  code: Type.String(),
  cameraId: Type.String(),
  state: Type.String(),
});
const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const PermitRef = Type.String({ minLength: 1, maxLength: 64 });

/** 加锁赋码 routes: locks, unlock requests, lock events over HTTP, entries and exits. */
export const locksRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const { locks } = services.work;
  const tags = ['locks'];

  app.post(
    '/api/locks',
    {
      config: { permission: 'machine:write' },
      schema: {
        tags,
        summary: 'Register a confined-space entrance lock 登记受限空间门锁',
        body: Type.Object(
          {
            id: IdStr,
            name: Type.String({ minLength: 1, maxLength: 100 }),
            siteId: IdStr,
            code: Type.String({ minLength: 4, maxLength: 64 }),
            cameraId: IdStr,
          },
          { additionalProperties: false },
        ),
        response: { 201: LockSchema, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(locks.register(principalOf(req).scope, req.body)),
  );

  app.get(
    '/api/locks',
    {
      config: { permission: 'machine:read' },
      schema: { tags, summary: 'Locks 门锁列表', response: { 200: Type.Array(LockSchema) } },
    },
    async (req) => locks.list(principalOf(req).scope),
  );

  app.post(
    '/api/locks/:id/unlock',
    {
      config: { permission: 'lock:operate' },
      schema: {
        tags,
        summary: 'Guardian requests the unlock 申请开锁',
        params: Params,
        body: Type.Object({ permitId: PermitRef }, { additionalProperties: false }),
        response: {
          200: Type.Object({ grantId: Type.String(), expiresAt: Type.String(), permitState: Type.String() }),
          ...errors,
        },
      },
    },
    async (req) => locks.requestUnlock(principalOf(req), req.params.id, req.body.permitId),
  );

  app.post(
    '/api/locks/:id/events',
    {
      config: { permission: 'machine:write' },
      schema: {
        tags,
        summary: 'Lock reports opened/closed over HTTP 门锁上报',
        params: Params,
        body: LockEventSchema,
        response: { 200: Type.Object({ authorised: Type.Boolean() }), ...errors },
      },
    },
    async (req) => locks.onEvent(locks.get(principalOf(req).scope, req.params.id), req.body, 'http'),
  );

  app.get(
    '/api/locks/:id/events',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags,
        summary: 'Lock event log 门锁记录',
        params: Params,
        response: {
          200: Type.Array(
            Type.Object({
              event: Type.String(),
              grantId: Type.Union([Type.String(), Type.Null()]),
              authorised: Type.Boolean(),
              via: Type.String(),
              at: Type.String(),
            }),
          ),
          404: ErrorSchema,
        },
      },
    },
    async (req) =>
      locks
        .events(principalOf(req).scope, req.params.id)
        .map((e) => ({ ...e, authorised: e.authorised === 1, at: new Date(e.at).toISOString() })),
  );

  app.post(
    '/api/locks/:id/entries',
    {
      config: { permission: 'lock:operate' },
      schema: {
        tags,
        summary: 'Guardian logs a person in/out 进出登记',
        params: Params,
        body: Type.Object(
          {
            permitId: PermitRef,
            person: Type.String({ minLength: 1, maxLength: 64 }),
            direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
            tools: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ inside: Type.Integer() }), ...errors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(locks.recordEntry(principalOf(req), req.params.id, req.body)),
  );

  app.get(
    '/api/permits/:id/entries',
    {
      config: { permission: 'permit:read' },
      schema: {
        tags,
        summary: 'Confined-space entries and exits 进出记录',
        params: Type.Object({ id: PermitRef }),
        response: {
          200: Type.Array(
            Type.Object({
              lockId: Type.String(),
              person: Type.String(),
              direction: Type.String(),
              tools: Type.String(),
              recordedBy: Type.Integer(),
              at: Type.String(),
            }),
          ),
          404: ErrorSchema,
        },
      },
    },
    async (req) =>
      locks.entries(principalOf(req), req.params.id).map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
  );
};
