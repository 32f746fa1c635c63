import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { CreateBody, FindingBody, InspectionSchema, ListQuery, PatchBody } from './inspections.schemas.ts';

const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

/**
 * 执法检查 routes. Reading needs inspection:read (every enterprise role reads its own enterprise's,
 * regulators their region's); writing needs inspection:write, which only regulators hold, so an
 * enterprise user gets 403 JH_ERR_AUTH_FORBIDDEN and another region's regulator 404.
 */
export const inspectionsRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const { inspections } = services.oversight;
  const tags = ['inspections'];

  app.get(
    '/api/inspections',
    {
      config: { permission: 'inspection:read' },
      schema: {
        tags,
        summary: 'List inspections 执法检查记录',
        querystring: ListQuery,
        response: {
          200: Type.Object({ items: Type.Array(InspectionSchema), total: Type.Integer() }),
          ...errors,
        },
      },
    },
    async (req) =>
      inspections.list(principalOf(req).scope, {
        enterpriseId: req.query.enterprise,
        limit: req.query.limit ?? 50,
        offset: req.query.offset ?? 0,
      }),
  );

  app.get(
    '/api/inspections/:id',
    {
      config: { permission: 'inspection:read' },
      schema: {
        tags,
        summary: 'One inspection with its findings 执法检查详情',
        params: IdParams,
        response: { 200: InspectionSchema, ...errors },
      },
    },
    async (req) => inspections.detail(principalOf(req).scope, req.params.id),
  );

  app.post(
    '/api/inspections',
    {
      config: { permission: 'inspection:write' },
      schema: {
        tags,
        summary: 'Record an inspection 登记执法检查',
        description: 'Findings are registered as hazards of the enterprise with the inspection’s 检查环节.',
        body: CreateBody,
        response: { 201: InspectionSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { principal, scope } = principalOf(req);
      const { enterpriseId, findings, ...input } = req.body;
      return reply.status(201).send(inspections.create(principal, scope, enterpriseId, input, findings));
    },
  );

  app.patch(
    '/api/inspections/:id',
    {
      config: { permission: 'inspection:write' },
      schema: {
        tags,
        summary: 'Edit an inspection 修改执法检查',
        params: IdParams,
        body: PatchBody,
        response: { 200: InspectionSchema, ...errors },
      },
    },
    async (req) => {
      const { principal, scope } = principalOf(req);
      return inspections.update(principal, scope, req.params.id, req.body);
    },
  );

  app.delete(
    '/api/inspections/:id',
    {
      config: { permission: 'inspection:write' },
      schema: {
        tags,
        summary: 'Delete an inspection entered by mistake (none with findings) 删除执法检查',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      const { principal, scope } = principalOf(req);
      inspections.remove(principal, scope, req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/inspections/:id/findings',
    {
      config: { permission: 'inspection:write' },
      schema: {
        tags,
        summary: 'Add a finding (registered as a hazard) 登记检查发现的隐患',
        params: IdParams,
        body: FindingBody,
        response: { 201: InspectionSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { principal, scope } = principalOf(req);
      return reply.status(201).send(inspections.addFinding(principal, scope, req.params.id, req.body));
    },
  );
};
