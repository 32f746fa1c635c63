import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../../app-services.ts';
import { principalOf } from '../auth-hook.ts';
import { ErrorSchema } from '../schemas.ts';
import { TenancyErrors } from '../../tenancy/scope.ts';

const EnterpriseSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  regionId: Type.String(),
  industry: Type.String(),
  sites: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), cameras: Type.Integer() })),
});

/** Enterprises the caller may see: its own, or every enterprise of a regulator's region. */
export const enterpriseRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const withSites = (e: { id: string; name: string; regionId: string; industry: string }) => ({
    ...e,
    sites: services.config.sites
      .filter((s) => s.enterpriseId === e.id)
      .map((s) => ({
        id: s.id,
        name: s.name,
        cameras: services.video.cameras.list().filter((c) => c.siteId === s.id).length,
      })),
  });
  app.get(
    '/api/enterprises',
    {
      config: { permission: 'enterprise:read' },
      schema: {
        tags: ['tenancy'],
        summary: 'Visible enterprises 可见企业',
        response: { 200: Type.Array(EnterpriseSchema) },
      },
    },
    async (req) => {
      const { scope } = principalOf(req);
      return services.tenancy
        .enterprises()
        .filter((e) => scope.can(e.id))
        .map(withSites);
    },
  );
  app.get(
    '/api/regions',
    {
      config: { permission: 'enterprise:read' },
      schema: {
        tags: ['tenancy'],
        summary: 'Regions a regulator may choose 可选辖区 (its own and those nested below it)',
        response: {
          200: Type.Array(
            Type.Object({
              id: Type.String(),
              name: Type.String(),
              parentId: Type.Union([Type.String(), Type.Null()]),
            }),
          ),
        },
      },
    },
    // an enterprise user chooses no region (the audit and the forms answer it 403): an empty list
    async (req) => {
      const { principal } = principalOf(req);
      if (principal.role !== 'regulator' || !principal.regionId) return [];
      const within = new Set(services.tenancy.regionIdsWithin(principal.regionId));
      return services.tenancy.regions().filter((r) => within.has(r.id));
    },
  );
  app.get(
    '/api/enterprises/:id',
    {
      config: { permission: 'enterprise:read' },
      schema: {
        tags: ['tenancy'],
        summary: 'One enterprise 企业详情',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: EnterpriseSchema, 404: ErrorSchema },
      },
    },
    async (req) => {
      const { scope } = principalOf(req);
      scope.assert(req.params.id);
      const e = services.tenancy.enterprises().find((x) => x.id === req.params.id);
      if (!e) throw TenancyErrors.notVisible();
      return withSites(e);
    },
  );
};
