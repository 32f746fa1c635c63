import { createReadStream } from 'node:fs';
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema, fileResponse } from '../../platform/http/schemas.ts';
import {
  AssessBody,
  CloseBody,
  DispatchBody,
  HazardDetailSchema,
  HazardSchema,
  ListQuery,
  RectifyBody,
  RegisterBody,
  VerifyBody,
} from './hazards.schemas.ts';

const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

/**
 * 隐患闭环 routes. Reading needs hazard:read (regulators read their region's enterprises); the steps
 * need hazard:write, except rectification, which the assigned responsible person may submit too (the
 * service checks who), so that route asks only hazard:read.
 */
export const hazardsRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const { hazards } = services.oversight;
  const tags = ['hazards'];

  app.post(
    '/api/hazards',
    {
      config: { permission: 'hazard:write' },
      schema: {
        tags,
        summary: 'Register a hazard 登记隐患',
        description:
          'A violation makes at most one hazard: registering from a violation that has one answers 200 with that hazard.',
        body: RegisterBody,
        response: { 201: HazardDetailSchema, 200: HazardDetailSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { principal, scope } = principalOf(req);
      const r = hazards.registerOnce(principal, scope, req.body);
      return reply.status(r.created ? 201 : 200).send(r.hazard);
    },
  );

  app.get(
    '/api/hazards',
    {
      config: { permission: 'hazard:read' },
      schema: {
        tags,
        summary: 'List hazards 隐患列表',
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(HazardSchema) }), ...errors },
      },
    },
    async (req) => {
      const { principal, scope } = principalOf(req);
      const q = req.query;
      return {
        items: hazards.list(scope, {
          enterpriseId: q.enterprise,
          state: q.state,
          level: q.level,
          stage: q.stage,
          responsibleUserId: q.responsible === 'me' ? principal.userId : undefined,
          from: q.from ? new Date(q.from).toISOString() : undefined,
          to: q.to ? new Date(q.to).toISOString() : undefined,
          limit: q.limit,
        }),
      };
    },
  );

  app.get(
    '/api/hazards/:id',
    {
      config: { permission: 'hazard:read' },
      schema: {
        tags,
        summary: 'A hazard with its history and photos 隐患详情',
        params: IdParams,
        response: { 200: HazardDetailSchema, ...errors },
      },
    },
    async (req) => hazards.detail(principalOf(req).scope, req.params.id),
  );

  app.get(
    '/api/hazards/:id/photos/:photoId',
    {
      config: { permission: 'hazard:read' },
      schema: {
        tags,
        summary: 'Download a hazard photo 下载隐患照片',
        description:
          'The `x-content-sha256` header carries the sha256 recorded (and chained) when it was stored.',
        params: Type.Object(
          { id: Type.Integer({ minimum: 1 }), photoId: Type.Integer({ minimum: 1 }) },
          { additionalProperties: false },
        ),
        response: { 200: fileResponse('the photo 照片', ['image/jpeg', 'image/png']), ...errors },
      },
    },
    async (req, reply) => {
      const { photo, file } = hazards.photoFile(principalOf(req).scope, req.params.id, req.params.photoId);
      reply.header('x-content-sha256', photo.sha256).type(photo.mime);
      return reply.send(createReadStream(file));
    },
  );

  const step = <B>(
    path: string,
    permission: 'hazard:write' | 'hazard:read',
    summary: string,
    body: B,
    run: (p: ReturnType<typeof principalOf>, id: number, b: never) => unknown,
  ) =>
    app.post(
      `/api/hazards/:id/${path}`,
      {
        config: { permission },
        schema: {
          tags,
          summary,
          params: IdParams,
          body: body as never,
          response: { 200: HazardDetailSchema, ...errors },
        },
      },
      async (req) => run(principalOf(req), (req.params as { id: number }).id, req.body as never) as never,
    );

  step('assess', 'hazard:write', 'Assess general / major 评估', AssessBody, (p, id, b) =>
    hazards.assess(p.principal, p.scope, id, b),
  );
  step('dispatch', 'hazard:write', 'Dispatch to a responsible person 派单', DispatchBody, (p, id, b) =>
    hazards.dispatch(p.principal, p.scope, id, b),
  );
  step('rectify', 'hazard:read', 'Submit rectification with after-photos 整改', RectifyBody, (p, id, b) =>
    hazards.rectify(p.principal, p.scope, id, b),
  );
  step('verify', 'hazard:write', 'Review by another person 复核', VerifyBody, (p, id, b) =>
    hazards.verify(p.principal, p.scope, id, b),
  );
  step('close', 'hazard:write', 'Close 销号', CloseBody, (p, id, b) =>
    hazards.close(p.principal, p.scope, id, b),
  );
};
