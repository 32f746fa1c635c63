import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const AlertSchema = Type.Object({
  eventId: Type.Integer(),
  type: Type.String(),
  enterpriseId: Nullable(Type.String()),
  siteId: Nullable(Type.String()),
  cameraId: Nullable(Type.String()),
  permitId: Nullable(Type.String()),
  severity: Type.Union([Type.Literal('high'), Type.Literal('medium')]),
  titleZh: Type.String(),
  title: Type.String(),
  at: Type.String({ format: 'date-time' }),
  recipientUserId: Nullable(Type.Integer({ description: 'a notice for one person: whom' })),
});

const AlertsQuery = Type.Object(
  {
    hours: Type.Integer({ minimum: 1, maximum: 168, default: 24 }),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);

/** The wall's alert feed: chip, lock and scan events and stopped permitted work, newest first. */
export const alertsRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const { alerts } = services.oversight;
  app.get(
    '/api/alerts',
    {
      config: { permission: 'violation:read' },
      schema: {
        tags: ['alerts'],
        summary: 'Recent site alerts 现场告警（无票动火、门锁违规、扫码被拒、作业暂停、隐患整改通知）',
        querystring: AlertsQuery,
        response: {
          200: Type.Object({ items: Type.Array(AlertSchema) }),
          400: ErrorSchema,
          403: ErrorSchema,
        },
      },
    },
    async (req) => {
      const { scope } = principalOf(req);
      return { items: alerts.recent([...scope.enterpriseIds], req.query.hours, req.query.limit) };
    },
  );
};
