import type { Config } from '../config/schema.ts';
import { AuthService } from './auth/auth.service.ts';
import { SessionsRepo } from './auth/sessions.repo.ts';
import { UserAdminService } from './auth/user-admin.service.ts';
import { UsersRepo } from './auth/users.repo.ts';
import { EventBus } from './events/event-bus.ts';
import { OutboxRepo } from './events/outbox.repo.ts';
import { DiskFaults } from './observability/disk-faults.ts';
import { DeviceRegistry } from './mqtt/device-registry.ts';
import { loadServerTls, type ServerTls } from './http/tls/server-tls.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import { createLogger, type Logger } from './shared/logger.ts';
import { openDb, type Db } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { TenancyRepo } from './tenancy/tenancy.repo.ts';

/** What every context builds on: the store, the event bus (outbox), users, tenancy, time, logs, metrics. */
export interface Platform {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  bus: EventBus;
  auth: AuthService;
  users: UsersRepo;
  userAdmin: UserAdminService;
  tenancy: TenancyRepo;
  metrics: Metrics;
  /** MQTT credentials of chips and locks (the embedded broker authenticates against it) */
  devices: DeviceRegistry;
  /** Components reporting liveness to /healthz (ingest, broker, detectors...). */
  health: Map<string, () => { ok: boolean; detail?: string }>;
  /** failed disk writes: /healthz `disk` and the wall's storage alarm (once per episode) */
  disk: DiskFaults;
  /** the HTTPS certificate (the plant's or self-signed) and the public URL phones open */
  tls: ServerTls;
}

export interface PlatformOptions {
  clock?: Clock;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
}

/**
 * Opens the store, applies migrations and mirrors the config's tenants and users. The order here is
 * the start order; `close()` undoes it.
 */
export async function createPlatform(
  config: Config,
  opts: PlatformOptions = {},
): Promise<Platform & { close(): void }> {
  // First: a plant certificate that cannot be read or does not match its key stops the start here,
  // before the store is opened (fail closed, JH_ERR_TLS_*).
  const tls = loadServerTls(config);
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
  const disk = new DiskFaults(config.store.dataDir, bus);
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
    devices: new DeviceRegistry(db, clock),
    health: new Map(),
    disk,
    tls,
    close: () => {
      disk.close();
      db.close();
    },
  };
}
