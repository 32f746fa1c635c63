import Fastify, { type FastifyInstance, type FastifyServerFactory } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppServices } from './app-services.ts';
import { installAuth } from './platform/http/auth-hook.ts';
import { installErrorHandling } from './platform/http/error-handler.ts';
import { routePlugins } from './http-routes.ts';
import { ErrorSchema } from './platform/http/schemas.ts';
import { loggerOptions } from './platform/shared/logger.ts';

export interface BuildOptions {
  /** pino logging of requests; tests turn it off. */
  logRequests?: boolean;
  /** the HTTP server fastify listens with; main.ts passes one that also hands its handler to HTTPS */
  serverFactory?: FastifyServerFactory;
}

/** Builds the HTTP application without listening (tests drive it through inject()). */
export async function buildApp(services: AppServices, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logRequests === false ? false : loggerOptions(services.config.server.logLevel),
    bodyLimit: services.config.server.bodyLimitBytes,
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
    return503OnClosing: true,
    // On stop, idle keep-alive connections are closed instead of holding the process open.
    forceCloseConnections: 'idle',
    ...(opts.serverFactory ? { serverFactory: opts.serverFactory } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();

  const disk = services.disk;
  services.health.set('disk', () => disk.health());
  installErrorHandling(app, (err) => disk.record(err));
  // Every answer, errors and files included: a browser must never guess an uploaded photo or a JSON
  // error into HTML or script (the pages keep their own strict CSP, src/ui/ui.routes.ts).
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });
  app.addSchema(ErrorSchema);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      code: 'JH_ERR_HTTP_RATE_LIMITED',
      message: `Too many requests; retry in ${ctx.after}.`,
    }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Jianhu 监护 API',
        version: '0.1.0',
        description: '无监控不作业 — no monitoring, no work',
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  installAuth(
    app,
    services.auth,
    (regionId) => services.tenancy.enterpriseIdsInRegion(regionId),
    services.config.server.allowedOrigins,
  );

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    services.metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    services.metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  for (const plugin of routePlugins) await app.register(plugin, { services });
  return app;
}
