import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { defineError } from '../../shared/errors.ts';
import { ErrorSchema, fileResponse } from '../schemas.ts';
import type { AppServices } from '../../../app-services.ts';

const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  uptimeSeconds: Type.Number(),
  components: Type.Record(
    Type.String(),
    Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) }),
  ),
});

const MetricsErrors = {
  refused: defineError(
    'JH_ERR_METRICS_REFUSED',
    403,
    '监控指标仅对本机或持有 server.metricsToken 的抓取方开放。',
    'Metrics are served to loopback peers or to a scraper holding server.metricsToken only.',
  ),
};

const digest = (s: string) => createHash('sha256').update(s).digest();
const isLoopback = (a: string | undefined) =>
  !!a && (a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.'));

/**
 * Who may read /metrics: they name every camera and its state, so not the whole plant network. With
 * `server.metricsToken` set, only a scraper sending it as a bearer token (compared in constant time);
 * without one, only peers on the loopback interface (the socket's own address: no proxy header counts).
 */
function metricsAllowed(req: FastifyRequest, token: string | undefined): boolean {
  if (token === undefined) return isLoopback(req.socket.remoteAddress);
  const h = req.headers.authorization;
  const given = h?.startsWith('Bearer ') ? h.slice(7).trim() : '';
  return timingSafeEqual(digest(given), digest(token));
}

export const systemRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const started = Date.now();
  const report = () => {
    services.db.prepare('SELECT 1').get();
    const components: Record<string, { ok: boolean; detail?: string }> = { store: { ok: true } };
    for (const [name, probe] of services.health) components[name] = probe();
    const ok = Object.values(components).every((c) => c.ok);
    const status: 'ok' | 'degraded' = ok ? 'ok' : 'degraded';
    return { status, uptimeSeconds: (Date.now() - started) / 1000, components };
  };
  app.get(
    '/healthz',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Liveness and component health 服务健康',
        description:
          '200 when every component is ok, 503 `degraded` otherwise (for load balancers and probes).',
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (_req, reply) => {
      const r = report();
      return reply.status(r.status === 'ok' ? 200 : 503).send(r);
    },
  );
  // The same report for pages (the wall's storage alarm): the service answered, so 200, and the
  // state is in the body; a 503 here would be a browser console error for a state the page shows.
  app.get(
    '/api/health',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['system'],
        summary: 'Component health for signed-in pages, always 200 页面用的服务健康',
        response: { 200: HealthSchema, 401: ErrorSchema },
      },
    },
    async () => report(),
  );
  app.get(
    '/metrics',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Prometheus metrics 监控指标',
        description:
          'Loopback peers only, or with `server.metricsToken` set a scraper sending `Authorization: Bearer <token>`.',
        response: {
          200: fileResponse('Prometheus text exposition format 0.0.4', ['text/plain']),
          403: ErrorSchema,
        },
      },
    },
    async (req, reply) => {
      if (!metricsAllowed(req, services.config.server.metricsToken)) throw MetricsErrors.refused();
      reply.type(services.metrics.registry.contentType);
      return services.metrics.registry.metrics();
    },
  );
};
