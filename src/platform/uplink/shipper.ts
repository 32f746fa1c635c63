import type { JetStreamClient, PubAck } from 'nats';
import { buildHubMessage, HUB_STREAM } from '../events/hub-wire.ts';
import type { OutboxRepo } from '../events/outbox.repo.ts';
import { iso, type Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { HubLinkConfig } from './config.schema.ts';

/** What the shipper reads and marks: the outbox rows with their chain entries (OutboxRepo). */
export type ShipperOutbox = Pick<OutboxRepo, 'unshippedChained' | 'markShippedUpTo' | 'lastShippedSeq'>;

export interface ShipperStatus {
  /** chain seq of the newest row the hub acknowledged */
  lastShippedSeq: number;
  /** publishes acknowledged by JetStream since start (duplicates included) */
  acked: number;
  /** acknowledgements that said "duplicate": rows the stream already held (a republish after a crash) */
  duplicates: number;
  failures: number;
  lastError: string | null;
}

type Outcome = { ok: true; ack: PubAck } | { ok: false; error: Error };

const encoder = new TextEncoder();
const MARK_EVERY_MS = 250;

/**
 * Ships the outbox to the hub's JetStream stream (issue #24), in chain order: a window of at most
 * `maxInFlight` publishes awaits its acknowledgements, read back in publish order; `shipped_at` is set
 * only up to the last row acknowledged without a failure before it (at most every 250 ms while rows
 * keep coming, at once when idle). A failure stops the batch: after
 * the configured wait the shipper starts again at the first row not acknowledged, so a row whose
 * acknowledgement was lost is published again, and JetStream drops it by its message id
 * `<boxId>:<seq>` (the hub also de-duplicates by box and seq). Nothing is lost (a row stays unshipped
 * until acknowledged) and nothing is stored twice.
 *
 * A failure inside a window can let a later row reach the stream before the failed one's republish
 * (the connection dropped under the earlier one): the hub sees a gap (hub-wire.ts linkToHead) and
 * must hold the later row until the missing seq arrives; JetStream drops the later row's republish.
 */
export class HubShipper {
  readonly status: ShipperStatus;
  private stopped = false;
  private wake: (() => void) | null = null;
  /** a nudge that came while the shipper was busy: the next wakeable wait returns at once */
  private nudged = false;
  private failuresInRow = 0;
  private loop: Promise<void> | null = null;
  /** the last row the stream acknowledged (the read cursor; 0 until the first ack since start) */
  private acked = { outboxId: 0, seq: 0 };
  private markedAt = 0;

  constructor(
    private readonly d: {
      config: HubLinkConfig;
      outbox: ShipperOutbox;
      clock: Clock;
      logger: Logger;
      /** the JetStream client while connected, null while not */
      jetstream: () => JetStreamClient | null;
      regionOf: (enterpriseId: string | null) => string | null;
      /** how long to wait for new events before looking again without a nudge */
      idleMs?: number;
    },
  ) {
    this.status = {
      lastShippedSeq: d.outbox.lastShippedSeq(),
      acked: 0,
      duplicates: 0,
      failures: 0,
      lastError: null,
    };
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** New events were committed, or the connection came back: look now instead of at the next poll. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.nudge();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const js = this.d.jetstream();
      if (!js) {
        await this.sleep(this.d.idleMs ?? 1000, true);
        continue;
      }
      const rows = this.d.outbox.unshippedChained(this.d.config.batchSize, this.acked.outboxId);
      if (rows.length === 0) {
        this.markAcked(true);
        await this.sleep(this.d.idleMs ?? 1000, true);
        continue;
      }
      const ok = await this.shipBatch(js, rows);
      this.markAcked(!ok);
      if (ok) {
        this.failuresInRow = 0;
        this.status.lastError = null;
      } else {
        const steps = this.d.config.retryStepsMs;
        const wait = steps[Math.min(this.failuresInRow, steps.length - 1)]!;
        this.failuresInRow++;
        await this.sleep(wait, false);
      }
    }
    this.markAcked(true);
  }

  /** Publishes the rows in order through a bounded window; true when every row was acknowledged. */
  private async shipBatch(
    js: JetStreamClient,
    rows: ReturnType<ShipperOutbox['unshippedChained']>,
  ): Promise<boolean> {
    const { config } = this.d;
    const window: { seq: number; outboxId: number; outcome: Promise<Outcome> }[] = [];
    let next = 0;
    let failed = false;
    while (next < rows.length || window.length > 0) {
      while (!failed && !this.stopped && window.length < config.maxInFlight && next < rows.length) {
        const { entry, payloadText } = rows[next++]!;
        const built = buildHubMessage(config.boxId, this.d.regionOf(entry.enterpriseId), entry, payloadText);
        const outcome = js
          .publish(built.subject, encoder.encode(JSON.stringify(built.message)), {
            msgID: built.msgId,
            timeout: config.publishTimeoutMs,
          })
          .then(
            (ack): Outcome => ({ ok: true, ack }),
            (error: unknown): Outcome => ({ ok: false, error: error as Error }),
          );
        window.push({ seq: entry.seq, outboxId: entry.outboxId, outcome });
      }
      const head = window.shift();
      if (!head) break;
      const r = await head.outcome;
      if (failed) continue; // drain what is in flight; nothing after a failure counts as shipped
      if (r.ok && r.ack.stream === HUB_STREAM) {
        this.status.acked++;
        if (r.ack.duplicate) this.status.duplicates++;
        this.acked = { outboxId: head.outboxId, seq: head.seq };
        this.markAcked(false);
      } else {
        failed = true;
        this.status.failures++;
        this.status.lastError = r.ok
          ? `seq ${head.seq} was stored in stream ${r.ack.stream}, not ${HUB_STREAM}`
          : `seq ${head.seq}: ${r.error.message}`;
        // The first failure of a run is worth a warning; the same failure every retry step is noise.
        if (this.failuresInRow === 0)
          this.d.logger.warn({ err: this.status.lastError }, 'hub publish failed');
      }
    }
    return !failed;
  }

  /**
   * Writes `shipped_at` up to the last acknowledged row: at once when `now` (idle, a failure, stop),
   * otherwise at most every MARK_EVERY_MS, so a steady trickle of events does not cost a disk sync
   * per event. A crash loses at most that much marking, which the stream's de-duplication absorbs.
   */
  private markAcked(now: boolean): void {
    const { outboxId, seq } = this.acked;
    if (outboxId === 0 || seq <= this.status.lastShippedSeq) return;
    if (!now && performance.now() - this.markedAt < MARK_EVERY_MS) return;
    this.d.outbox.markShippedUpTo(outboxId, iso(this.d.clock.now()));
    this.status.lastShippedSeq = seq;
    this.markedAt = performance.now();
  }

  /** Waits `ms` (real time: a retry step, not the domain clock); a nudge ends it early when `wakeable`. */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped || (wakeable && this.nudged)) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        if (wakeable) this.nudged = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = () => {
        if (wakeable || this.stopped) done();
      };
    });
  }
}
