import { readFileSync } from 'node:fs';
import {
  AckPolicy,
  connect,
  credsAuthenticator,
  nkeyAuthenticator,
  DeliverPolicy,
  DiscardPolicy,
  nanos,
  RetentionPolicy,
  StorageType,
  type ConnectionOptions,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import type pg from 'pg';
import { HUB_STREAM, HUB_SUBJECT_ROOT } from '../../platform/events/hub-wire.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { HubConfig } from '../config.ts';
import { IngestRepo } from '../store/ingest.repo.ts';
import { ChainApplier, type BoxRegistry, type Outcome } from './apply.ts';

const MAX_BATCH = 500;

export function natsOptions(c: HubConfig, env: NodeJS.ProcessEnv = process.env): ConnectionOptions {
  return {
    servers: c.nats.url,
    name: 'jianhu-hub',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    ...(c.nats.user
      ? { user: c.nats.user, pass: c.nats.passwordEnv ? env[c.nats.passwordEnv] : undefined }
      : {}),
    ...(c.nats.credsFile ? { authenticator: credsAuthenticator(readFileSync(c.nats.credsFile)) } : {}),
    ...(c.nats.nkeySeedFile
      ? {
          authenticator: nkeyAuthenticator(
            new TextEncoder().encode(readFileSync(c.nats.nkeySeedFile, 'utf8').trim()),
          ),
        }
      : {}),
  };
}

export async function connectNats(c: HubConfig): Promise<NatsConnection> {
  return connect(natsOptions(c));
}

/**
 * The stream every box publishes into, created when missing. Work-queue retention: a message leaves
 * the stream once the hub has committed and acknowledged it; discard-new: when the stream is full
 * (the hub away for long), boxes' publishes are refused, so they keep their backlog in their own
 * outbox and nothing is dropped on either side.
 */
export async function ensureStream(nc: NatsConnection, c: HubConfig, log: Logger): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const want = {
    name: HUB_STREAM,
    subjects: [`${HUB_SUBJECT_ROOT}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
    discard: DiscardPolicy.New,
    max_age: nanos(c.nats.stream.maxAgeDays * 86_400_000),
    max_bytes: Math.round(c.nats.stream.maxGiB * 2 ** 30),
    duplicate_window: nanos(c.nats.stream.duplicateWindowSeconds * 1000),
  };
  try {
    const info = await jsm.streams.info(HUB_STREAM);
    if (info.config.retention !== want.retention)
      log.warn(
        { retention: info.config.retention },
        'hub: stream exists with another retention; left as it is',
      );
  } catch {
    await jsm.streams.add(want);
    log.info({ stream: HUB_STREAM }, 'hub: stream created');
  }
  try {
    await jsm.consumers.info(HUB_STREAM, c.nats.durable);
  } catch {
    await jsm.consumers.add(HUB_STREAM, {
      durable_name: c.nats.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(60_000),
      max_deliver: -1,
      max_ack_pending: 20_000,
    });
  }
}

export interface IngestStats {
  applied: number;
  duplicate: number;
  held: number;
  refused: number;
  fork: number;
  batches: number;
  failedBatches: number;
}

/**
 * Consumes the stream with the durable pull consumer. Messages buffer while a batch commits, so
 * under a backlog the batches grow (fewer commits) and at a trickle each message commits at once
 * (low lag). A batch is acknowledged only after its transaction committed; a failed batch is
 * nak'd and comes again (exactly once into the read model: redelivery is a no-op).
 */
export class HubConsumer {
  readonly stats: IngestStats = {
    applied: 0,
    duplicate: 0,
    held: 0,
    refused: 0,
    fork: 0,
    batches: 0,
    failedBatches: 0,
  };
  private stopped = false;
  private queue: JsMsg[] = [];
  private wake: (() => void) | undefined;
  private done: Promise<void> | undefined;
  private closeMessages: (() => void) | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly pool: pg.Pool,
    private readonly registry: BoxRegistry,
    private readonly durable: string,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.done = Promise.all([this.pullLoop(), this.applyLoop()]).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closeMessages?.();
    this.wake?.();
    await this.done;
  }

  private async pullLoop(): Promise<void> {
    const js = this.nc.jetstream();
    while (!this.stopped) {
      try {
        const consumer = await js.consumers.get(HUB_STREAM, this.durable);
        const messages = await consumer.consume({ max_messages: 2 * MAX_BATCH });
        this.closeMessages = () => void messages.close();
        for await (const m of messages) {
          this.queue.push(m);
          this.wake?.();
          if (this.stopped) break;
        }
      } catch (e) {
        if (!this.stopped)
          this.log.warn({ err: (e as Error).message }, 'hub: consumer interrupted; retrying');
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  }

  private async applyLoop(): Promise<void> {
    while (!this.stopped) {
      if (this.queue.length === 0) {
        await new Promise<void>((r) => (this.wake = r));
        this.wake = undefined;
        continue;
      }
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const outcomes = await this.applyBatch(batch);
        for (const m of batch) m.ack();
        for (const o of outcomes) this.stats[o]++;
        this.stats.batches++;
      } catch (e) {
        this.stats.failedBatches++;
        this.log.error(
          { err: (e as Error).message, size: batch.length },
          'hub: batch not committed; redelivery',
        );
        for (const m of [...batch, ...this.queue.splice(0)]) m.nak(1000);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async applyBatch(batch: JsMsg[]): Promise<Outcome[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const applier = new ChainApplier(new IngestRepo(client), this.registry);
      const outcomes: Outcome[] = [];
      for (const m of batch) outcomes.push(await applier.apply({ subject: m.subject, body: m.string() }));
      await applier.finish();
      await client.query('COMMIT');
      return outcomes;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }
}
