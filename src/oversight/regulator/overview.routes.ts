import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { OVERVIEW_MEASURES } from './overview.ts';

const Query = Type.Object(
  {
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time', description: 'any length up to 5 years' }),
    sort: Type.Optional(Type.Union(OVERVIEW_MEASURES.map((m) => Type.Literal(m)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
  },
  { additionalProperties: false },
);

const Row = Type.Object({
  rank: Type.Integer(),
  enterpriseId: Type.String(),
  name: Type.String(),
  permits: Type.Integer(),
  videoPermits: Type.Integer(),
  workMinutes: Type.Integer(),
  unwatchedMinutes: Type.Integer(),
  openMajorHazards: Type.Integer(),
  overdueRectifications: Type.Integer(),
  violations: Type.Integer(),
  permitHours: Type.Number(),
  violationsPerPermitHour: Type.Number(),
});

/** 监管总览: the region's enterprises ranked (regulators only: region:overview). */
export const overviewRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/regulator/overview',
    {
      config: { permission: 'region:overview' },
      schema: {
        tags: ['regulator'],
        summary: "The region's enterprises ranked by unwatched work, hazards and violations 监管总览",
        querystring: Query,
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            sort: Type.String(),
            total: Type.Integer(),
            items: Type.Array(Row),
          }),
          400: ErrorSchema,
          403: ErrorSchema,
        },
      },
    },
    async (req) =>
      services.oversight.overview.overview(principalOf(req).scope, {
        from: req.query.from,
        to: req.query.to,
        sort: req.query.sort ?? 'unwatchedMinutes',
        limit: req.query.limit ?? 50,
        offset: req.query.offset ?? 0,
      }),
  );
};
