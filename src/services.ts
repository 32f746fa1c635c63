import type { AppServices } from './app-services.ts';
import type { Config } from './config/schema.ts';
import { openDb } from './platform/store/db.ts';
import { migrate } from './platform/store/migrate.ts';
import { OutboxRepo } from './platform/events/outbox.repo.ts';
import { EventBus } from './platform/events/event-bus.ts';
import { UsersRepo } from './platform/auth/users.repo.ts';
import { SessionsRepo } from './platform/auth/sessions.repo.ts';
import { AuthService } from './platform/auth/auth.service.ts';
import { UserAdminService } from './platform/auth/user-admin.service.ts';
import { TenancyRepo } from './platform/tenancy/tenancy.repo.ts';
import { createMetrics } from './platform/observability/metrics.ts';
import { systemClock, type Clock } from './platform/shared/clock.ts';
import { createLogger, type Logger } from './platform/shared/logger.ts';

export interface ServiceOptions {
  clock?: Clock;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
}

/**
 * Opens the store, applies migrations and mirrors the config's tenants and users. The order here is
 * the start order; `close()` undoes it.
 */
export async function createCoreServices(
  config: Config,
  opts: ServiceOptions = {},
): Promise<AppServices & { close(): void }> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config.server.logLevel);
  const db = openDb(config.store.path);
  const applied = migrate(db);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const tenancy = new TenancyRepo(db);
  tenancy.syncFromConfig(config);
  const users = new UsersRepo(db);
  const sessions = new SessionsRepo(db);
  const auth = new AuthService(users, sessions, clock, config.server.sessionTtlHours * 3600_000);
  await auth.syncUsers(config.users, opts.env ?? process.env);
  const bus = new EventBus(new OutboxRepo(db), clock);
  return {
    config,
    db,
    clock,
    logger,
    bus,
    auth,
    users,
    userAdmin: new UserAdminService(users, sessions, bus),
    tenancy,
    metrics: createMetrics(),
    health: new Map(),
    close: () => db.close(),
  };
}
