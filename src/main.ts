import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config/schema.ts';
import { createCoreServices } from './services.ts';
import type { Logger } from './shared/logger.ts';

/** A started piece of the service; stopped in reverse order of start. */
export interface Stoppable {
  name: string;
  stop(): Promise<void> | void;
}

export interface RunningService {
  app: FastifyInstance;
  url: string;
  logger: Logger;
  stop(): Promise<void>;
}

/**
 * The composition root: starts the pieces in one visible order and stops them in reverse.
 * 1 store + migrations → 2 tenants and users → 3 event bus → 4 HTTP API.
 * (ingest, detection, rules, permits and the broker join this list as they are built.)
 */
export async function startService(config: Config): Promise<RunningService> {
  const started: Stoppable[] = [];
  const core = await createCoreServices(config);
  started.push({ name: 'store', stop: () => core.close() });
  const { logger } = core;
  try {
    const app = await buildApp(core);
    await app.listen({ host: config.server.host, port: config.server.port });
    started.push({ name: 'http', stop: () => app.close() });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    const url = `http://${config.server.host}:${port}`;
    logger.info({ url }, 'jianhu started 服务已启动');
    return { app, url, logger, stop: () => stopAll(started, logger) };
  } catch (e) {
    await stopAll(started, logger);
    throw e;
  }
}

async function stopAll(started: Stoppable[], logger: Logger): Promise<void> {
  for (const piece of started.splice(0).reverse()) {
    try {
      await piece.stop();
      logger.info({ piece: piece.name }, 'stopped');
    } catch (e) {
      logger.error({ err: e, piece: piece.name }, 'stop failed');
    }
  }
}

/** Stops on SIGTERM/SIGINT; a second signal forces exit. */
export function stopOnSignals(service: { stop(): Promise<void> }, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping 正在停止');
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}
