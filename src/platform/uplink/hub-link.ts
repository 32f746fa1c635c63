import { readFileSync } from 'node:fs';
import { connect, nkeyAuthenticator, type ConnectionOptions, type NatsConnection } from 'nats';
import { Gauge, Counter } from 'prom-client';
import type { OutboxRepo } from '../events/outbox.repo.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { defineError } from '../shared/errors.ts';
import type { HubLinkConfig } from './config.schema.ts';
import { serveEvidence, type EvidenceSource } from './evidence-responder.ts';
import { HubShipper, type ShipperStatus } from './shipper.ts';

export interface HubLinkStatus extends ShipperStatus {
  connected: boolean;
  server: string | null;
  backlog: number;
}

export interface HubLink {
  status(): HubLinkStatus;
  /** look at the outbox now (the bus calls it on every committed event) */
  nudge(): void;
  stop(): Promise<void>;
}

export interface HubLinkDeps {
  config: HubLinkConfig;
  outbox: Pick<OutboxRepo, 'unshippedChained' | 'markShippedUpTo' | 'lastShippedSeq' | 'backlog'>;
  clock: Clock;
  logger: Logger;
  regionOf: (enterpriseId: string | null) => string | null;
  /** answers the hub's evidence requests when given and config.evidence is on */
  evidence?: EvidenceSource;
  /** answers the hub's hazard-photo requests (by hazard id) when given and config.evidence is on */
  hazardPhotos?: EvidenceSource;
  metrics?: Metrics;
  /** how long the shipper waits for new events before looking again without a nudge */
  idleMs?: number;
}

/** The connection options of a box: its nkey, its own inbox prefix (its NATS user may read only that). */
export function boxConnectionOptions(config: HubLinkConfig, seed: string): ConnectionOptions {
  return {
    servers: config.servers,
    name: `jianhu-box-${config.boxId}`,
    authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)),
    inboxPrefix: boxInboxPrefix(config.boxId),
    tls: config.tls ? { ...config.tls } : undefined,
    // after the first connection the client reconnects by itself, for ever, stepping its waits
    maxReconnectAttempts: -1,
    reconnectTimeWait: config.retryStepsMs[0],
    pingInterval: 20_000,
  };
}

export const boxInboxPrefix = (boxId: string): string => `_INBOX_${boxId}`;

export const HubLinkErrors = {
  seed: defineError(
    'JH_ERR_HUB_NKEY_SEED',
    500,
    '无法读取本机的 NATS 密钥种子（hub.nkeySeedFile），服务未启动；用 jianhu hub box-key 生成。',
    'Cannot read this box’s NATS nkey seed (hub.nkeySeedFile); nothing was started. `jianhu hub box-key` makes one.',
  ),
};

/** The box's nkey seed; a missing or malformed file stops the start (fail closed, like a bad certificate). */
export function readSeed(file: string): string {
  let seed: string;
  try {
    seed = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw HubLinkErrors.seed({ file }, `cannot read ${file}: ${(e as Error).message}`);
  }
  if (!/^SU[A-Z2-7]{56}$/.test(seed))
    throw HubLinkErrors.seed({ file }, `${file} holds no NATS user nkey seed (SU…)`);
  return seed;
}

/**
 * The box's link to the county hub: one NATS connection (connected in the background; the box never
 * waits for the hub), the outbox shipper on it, the evidence responder, and its status for /healthz
 * and /metrics. While the hub is unreachable nothing else in the box notices: events stay in the
 * outbox (the backlog) and are shipped in order once the connection is back.
 */
export function startHubLink(d: HubLinkDeps): HubLink {
  const { config, logger } = d;
  const seed = readSeed(config.nkeySeedFile);
  let nc: NatsConnection | null = null;
  let connected = false;
  let stopped = false;
  let attempt = 0;
  const step = () => config.retryStepsMs[Math.min(attempt++, config.retryStepsMs.length - 1)]!;
  const options: ConnectionOptions = { ...boxConnectionOptions(config, seed), reconnectDelayHandler: step };

  const shipper = new HubShipper({
    config,
    outbox: d.outbox,
    clock: d.clock,
    logger,
    regionOf: d.regionOf,
    jetstream: () => (connected && nc ? nc.jetstream() : null),
    idleMs: d.idleMs,
  });

  const watch = async (conn: NatsConnection) => {
    for await (const s of conn.status()) {
      if (s.type === 'disconnect') {
        connected = false;
        logger.warn({ server: s.data }, 'hub connection lost 与监管中心断开');
      } else if (s.type === 'reconnect') {
        connected = true;
        attempt = 0;
        logger.info({ server: s.data }, 'hub connection back 已重连监管中心');
        shipper.nudge();
      } else if (s.type === 'error') logger.warn({ err: s.data }, 'hub connection error');
    }
  };

  // First connection: retried on the same steps until it succeeds or the link stops. Later drops are
  // the client's own reconnects (options above); a connection that closes for good starts this again.
  const connectLoop = async (): Promise<void> => {
    while (!stopped) {
      try {
        const conn = await connect(options);
        if (stopped) {
          await conn.close();
          return;
        }
        nc = conn;
        connected = true;
        attempt = 0;
        logger.info({ server: conn.getServer(), boxId: config.boxId }, 'hub connected 已连接监管中心');
        if (d.evidence && config.evidence) serveEvidence(conn, config.boxId, d.evidence, logger);
        if (d.hazardPhotos && config.evidence)
          serveEvidence(conn, config.boxId, d.hazardPhotos, logger, 'hazard-photo');
        void watch(conn);
        shipper.nudge();
        const err = await conn.closed();
        connected = false;
        nc = null;
        if (!stopped) logger.warn({ err }, 'hub connection closed; connecting again');
      } catch (e) {
        if (attempt === 0)
          logger.warn({ err: e, servers: config.servers }, 'hub not reachable 监管中心不可达');
      }
      if (!stopped) await new Promise((r) => setTimeout(r, step()));
    }
  };
  const connecting = connectLoop();
  shipper.start();

  const status = (): HubLinkStatus => ({
    ...shipper.status,
    connected,
    server: connected && nc ? nc.getServer() : null,
    backlog: d.outbox.backlog(),
  });
  if (d.metrics) registerMetrics(d.metrics, status);

  return {
    status,
    nudge: () => shipper.nudge(),
    async stop() {
      stopped = true;
      await shipper.stop();
      const conn = nc;
      if (conn) await conn.drain().catch(() => conn.close());
      await connecting;
    },
  };
}

function registerMetrics(metrics: Metrics, status: () => HubLinkStatus): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'jianhu_hub_backlog_events',
    help: 'outbox events not yet acknowledged by the county hub',
    registers,
    collect() {
      this.set(status().backlog);
    },
  });
  new Gauge({
    name: 'jianhu_hub_last_shipped_seq',
    help: 'audit-chain seq of the newest event the hub acknowledged',
    registers,
    collect() {
      this.set(status().lastShippedSeq);
    },
  });
  new Gauge({
    name: 'jianhu_hub_connected',
    help: '1 while connected to the hub’s NATS server',
    registers,
    collect() {
      this.set(status().connected ? 1 : 0);
    },
  });
  new Counter({
    name: 'jianhu_hub_publish_failures_total',
    help: 'publishes to the hub that failed (retried)',
    registers,
    collect() {
      this.reset();
      this.inc(status().failures);
    },
  });
}
