import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fileResponse } from '../schemas.ts';
import type { AppServices } from '../../../app-services.ts';

const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  uptimeSeconds: Type.Number(),
  components: Type.Record(
    Type.String(),
    Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) }),
  ),
});

export const systemRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const started = Date.now();
  app.get(
    '/healthz',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Liveness and component health 服务健康',
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (_req, reply) => {
      services.db.prepare('SELECT 1').get();
      const components: Record<string, { ok: boolean; detail?: string }> = { store: { ok: true } };
      for (const [name, probe] of services.health) components[name] = probe();
      const ok = Object.values(components).every((c) => c.ok);
      return reply
        .status(ok ? 200 : 503)
        .send({ status: ok ? 'ok' : 'degraded', uptimeSeconds: (Date.now() - started) / 1000, components });
    },
  );
  app.get(
    '/metrics',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Prometheus metrics 监控指标',
        response: { 200: fileResponse('Prometheus text exposition format 0.0.4', ['text/plain']) },
      },
    },
    async (_req, reply) => {
      reply.type(services.metrics.registry.contentType);
      return services.metrics.registry.metrics();
    },
  );
};
