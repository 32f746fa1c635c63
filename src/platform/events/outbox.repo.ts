import type { Db } from '../store/db.ts';
import { AuditChainRepo, toEntry } from './chain.repo.ts';
import type { ChainEntry } from './chain.ts';
import type { DomainEvent, DomainEventMap, DomainEventType } from './domain-events.ts';

interface OutboxRow {
  id: number;
  type: string;
  enterprise_id: string | null;
  payload: string;
  occurred_at: string;
}

export class OutboxRepo {
  private readonly insert;
  private readonly pending;
  private readonly markShipped;
  private readonly pendingChained;
  private readonly backlogStmt;
  private readonly lastShippedStmt;
  /** Tamper-evident log (src/oversight/audit): every outbox row gets its hash-chain entry in the same transaction. */
  private readonly chain: AuditChainRepo;
  constructor(private readonly db: Db) {
    this.chain = new AuditChainRepo(db);
    this.insert = db.prepare(
      'INSERT INTO outbox (type, enterprise_id, payload, occurred_at) VALUES (?, ?, ?, ?) RETURNING id',
    );
    this.pending = db.prepare('SELECT * FROM outbox WHERE shipped_at IS NULL AND id > ? ORDER BY id LIMIT ?');
    this.markShipped = db.prepare('UPDATE outbox SET shipped_at = ? WHERE id <= ? AND shipped_at IS NULL');
    this.pendingChained = db.prepare(
      `SELECT c.*, o.payload FROM outbox o JOIN audit_chain c ON c.outbox_id = o.id
       WHERE o.shipped_at IS NULL AND o.id > ? ORDER BY o.id LIMIT ?`,
    );
    this.backlogStmt = db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE shipped_at IS NULL');
    this.lastShippedStmt = db.prepare(
      `SELECT c.seq FROM audit_chain c JOIN outbox o ON o.id = c.outbox_id
       WHERE o.shipped_at IS NOT NULL ORDER BY c.seq DESC LIMIT 1`,
    );
  }

  append<T extends DomainEventType>(
    type: T,
    enterpriseId: string | null,
    payload: DomainEventMap[T],
    occurredAt: string,
  ): DomainEvent<T> {
    const payloadText = JSON.stringify(payload);
    // One transaction (a savepoint inside the caller's): no outbox row without its chain entry.
    const id = this.db.transaction(() => {
      const row = this.insert.get(type, enterpriseId, payloadText, occurredAt) as { id: number };
      this.chain.append({ outboxId: row.id, type, enterpriseId, occurredAt, payloadText });
      return row.id;
    })();
    return { id, type, enterpriseId, payload, occurredAt };
  }

  unshipped(afterId = 0, limit = 500): DomainEvent[] {
    return (this.pending.all(afterId, limit) as OutboxRow[]).map((r) => ({
      id: r.id,
      type: r.type as DomainEventType,
      enterpriseId: r.enterprise_id,
      payload: JSON.parse(r.payload) as DomainEvent['payload'],
      occurredAt: r.occurred_at,
    }));
  }

  /**
   * For the hub shipper (src/platform/uplink): the oldest unshipped rows after `afterOutboxId` (those the
   * hub acknowledged but the shipper has not marked yet) with their chain entries, in
   * chain order (seq follows outbox id: both are written in one transaction), payload as stored.
   */
  unshippedChained(limit: number, afterOutboxId = 0): { entry: ChainEntry; payloadText: string }[] {
    return (
      this.pendingChained.all(afterOutboxId, limit) as (Parameters<typeof toEntry>[0] & { payload: string })[]
    ).map((r) => ({ entry: toEntry(r), payloadText: r.payload }));
  }

  /** Unshipped rows (the partial index outbox_unshipped answers it). */
  backlog(): number {
    return (this.backlogStmt.get() as { n: number }).n;
  }

  /** The chain seq of the newest shipped row, 0 when none. */
  lastShippedSeq(): number {
    return (this.lastShippedStmt.get() as { seq: number } | undefined)?.seq ?? 0;
  }

  markShippedUpTo(id: number, at: string): void {
    this.markShipped.run(at, id);
  }

  /** Runs `fn` in one transaction with the db the outbox writes to. */
  transaction<R>(fn: () => R): R {
    return this.db.transaction(fn)();
  }
}
