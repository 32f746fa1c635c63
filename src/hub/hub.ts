import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { NatsConnection } from 'nats';
import pg from 'pg';
import { installErrorHandling } from '../platform/http/error-handler.ts';
import { createLogger, loggerOptions, type Logger } from '../platform/shared/logger.ts';
import { storeUrl, type HubConfig } from './config.ts';
import { HubDesk } from './desk/desk.ts';
import { installHubAuth, HubAuth } from './http/hub-auth.ts';
import { hubRoutes } from './http/hub.routes.ts';
import { hubReportRoutes } from './http/hub-reports.routes.ts';
import { connectNats, ensureStream, HubConsumer } from './ingest/consumer.ts';
import { migrateHubStore } from './store/migrate.ts';
import { ReadRepo } from './store/read.repo.ts';
import { SessionsRepo } from './store/sessions.repo.ts';

export interface RunningHub {
  url: string;
  port: number;
  app: FastifyInstance;
  consumer: HubConsumer;
  pool: pg.Pool;
  stop(): Promise<void>;
}

const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), 'public');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const CSP =
  "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * `jianhu hub`: migrates the read model, makes sure the stream and the durable consumer exist, starts
 * consuming, and serves the regulators' desk. Stops in the reverse order (HTTP, consumer, NATS, pool).
 */
export async function startHub(
  config: HubConfig,
  opts: { logger?: Logger; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningHub> {
  const log = opts.logger ?? createLogger(config.server.logLevel);
  const pool = new pg.Pool({ connectionString: storeUrl(config, opts.env), max: config.store.poolSize });
  pool.on('error', (e) => log.warn({ err: e.message }, 'hub: idle PostgreSQL client failed'));
  let nc: NatsConnection | undefined;
  try {
    await migrateHubStore(pool);
    nc = await connectNats(config);
    await ensureStream(nc, config, log);
  } catch (e) {
    await nc?.close().catch(() => {});
    await pool.end().catch(() => {});
    throw e;
  }
  const registry = new Map(config.boxes.map((b) => [b.id, new Set(b.enterpriseIds)]));
  const consumer = new HubConsumer(nc, pool, registry, config.nats.durable, log);
  consumer.start();

  const read = new ReadRepo(pool);
  const sessions = new SessionsRepo(pool);
  const auth = await HubAuth.create(config, sessions, opts.env);
  const app = Fastify({
    logger: config.server.logLevel === 'silent' ? false : loggerOptions(config.server.logLevel),
    bodyLimit: 64 * 1024,
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandling(app);
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });
  await app.register(rateLimit, { global: false });
  installHubAuth(app, auth, config.server.allowedOrigins);
  const desk = new HubDesk(read, config);
  await app.register(hubRoutes, {
    auth,
    desk,
    read,
    nc,
    consumer,
    evidenceTimeoutMs: config.nats.evidenceTimeoutMs,
    secureCookie: false,
  });
  await app.register(hubReportRoutes, { desk, read, config, nc });
  const assets = new Map(
    readdirSync(PUBLIC)
      .filter((f) => TYPES[extname(f)])
      .map((f) => [f, { body: readFileSync(join(PUBLIC, f)), type: TYPES[extname(f)]! }]),
  );
  const page = (name: string) => async (_req: unknown, reply: FastifyReply) => {
    const a = assets.get(name)!;
    return reply.header('content-type', a.type).header('content-security-policy', CSP).send(a.body);
  };
  const open = { config: { permission: 'public' as const } };
  app.get('/', open, async (_req, reply) => reply.redirect('/hub/'));
  app.get('/hub/', open, page('desk.html'));
  for (const name of assets.keys()) app.get(`/hub/${name}`, open, page(name));

  const purge = setInterval(() => void sessions.deleteExpired().catch(() => {}), 3_600_000);
  purge.unref();
  await app.listen({ host: config.server.host, port: config.server.port });
  const port = (app.server.address() as { port: number }).port;
  log.info({ port, boxes: config.boxes.length }, 'hub: serving the regulators desk');
  return {
    url: `http://${config.server.host}:${port}`,
    port,
    app,
    consumer,
    pool,
    async stop() {
      clearInterval(purge);
      await app.close();
      await consumer.stop();
      await nc.drain().catch(() => {});
      await pool.end();
    },
  };
}
