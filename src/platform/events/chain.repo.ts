import type { Db } from '../store/db.ts';
import { nextEntry, type ChainEntry } from './chain.ts';

interface EntryRow {
  seq: number;
  outbox_id: number;
  type: string;
  enterprise_id: string | null;
  occurred_at: string;
  payload_sha256: string;
  prev_hash: string;
  hash: string;
}

export interface CheckpointRow {
  id: number;
  seq: number;
  hash: string;
  signedAt: string;
  keyId: string;
  signature: string;
  /** digest of the previous checkpoint; null on checkpoints from before the checkpoint chain (#23) */
  prevDigest: string | null;
}

export const toEntry = (r: EntryRow): ChainEntry => ({
  seq: r.seq,
  outboxId: r.outbox_id,
  type: r.type,
  enterpriseId: r.enterprise_id,
  occurredAt: r.occurred_at,
  payloadSha256: r.payload_sha256,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * Storage of the audit chain and its checkpoints. `append` is called by the outbox repository inside
 * the transaction of each outbox insert. The verifier also reads the outbox rows themselves (raw
 * payload text): checking what the outbox holds is the point of the audit, so this is the one place
 * outside src/platform/events that reads that table.
 */
export class AuditChainRepo {
  private readonly lastStmt;
  private readonly insertStmt;
  constructor(private readonly db: Db) {
    this.lastStmt = db.prepare('SELECT seq, hash FROM audit_chain ORDER BY seq DESC LIMIT 1');
    this.insertStmt = db.prepare(
      `INSERT INTO audit_chain (seq, outbox_id, type, enterprise_id, occurred_at, payload_sha256, prev_hash, hash)
       VALUES (@seq, @outboxId, @type, @enterpriseId, @occurredAt, @payloadSha256, @prevHash, @hash)`,
    );
  }

  /** Must run inside the outbox insert's transaction (SQLite's single writer keeps seq and prev in step). */
  append(ev: {
    outboxId: number;
    type: string;
    enterpriseId: string | null;
    occurredAt: string;
    payloadText: string;
  }): ChainEntry {
    const prev = this.lastStmt.get() as { seq: number; hash: string } | undefined;
    const entry = nextEntry(prev, ev);
    this.insertStmt.run(entry);
    return entry;
  }

  /**
   * Chains the outbox rows of a database that predates the chain — only while the chain is still
   * empty. Once it has entries, an unchained outbox row is evidence of tampering and stays for
   * `audit verify` to report (rebuilding would launder it).
   */
  backfill(): number {
    return this.db.transaction(() => {
      if (this.lastStmt.get()) return 0;
      const rows = this.db
        .prepare('SELECT id, type, enterprise_id, occurred_at, payload FROM outbox ORDER BY id')
        .all() as {
        id: number;
        type: string;
        enterprise_id: string | null;
        occurred_at: string;
        payload: string;
      }[];
      for (const r of rows)
        this.append({
          outboxId: r.id,
          type: r.type,
          enterpriseId: r.enterprise_id,
          occurredAt: r.occurred_at,
          payloadText: r.payload,
        });
      return rows.length;
    })();
  }

  head(): ChainEntry | undefined {
    const r = this.db.prepare('SELECT * FROM audit_chain ORDER BY seq DESC LIMIT 1').get() as
      EntryRow | undefined;
    return r ? toEntry(r) : undefined;
  }

  /** Entries in seq order, in pages, with the outbox payload text (null when the outbox row is gone). */
  *entries(
    fromSeq = 1,
    toSeq = Number.MAX_SAFE_INTEGER,
    pageSize = 1000,
  ): Generator<ChainEntry & { payloadText: string | null }> {
    const stmt = this.db.prepare(
      `SELECT c.*, o.payload AS payload_text FROM audit_chain c LEFT JOIN outbox o ON o.id = c.outbox_id
       WHERE c.seq >= ? AND c.seq <= ? ORDER BY c.seq LIMIT ?`,
    );
    let from = fromSeq;
    for (;;) {
      const rows = stmt.all(from, toSeq, pageSize) as (EntryRow & { payload_text: string | null })[];
      for (const r of rows) yield { ...toEntry(r), payloadText: r.payload_text };
      if (rows.length < pageSize) return;
      from = rows[rows.length - 1]!.seq + 1;
    }
  }

  entryBefore(seq: number): ChainEntry | undefined {
    const r = this.db
      .prepare('SELECT * FROM audit_chain WHERE seq < ? ORDER BY seq DESC LIMIT 1')
      .get(seq) as EntryRow | undefined;
    return r ? toEntry(r) : undefined;
  }

  firstSeqAtOrAfter(at: string): number | undefined {
    const r = this.db.prepare('SELECT MIN(seq) AS seq FROM audit_chain WHERE occurred_at >= ?').get(at) as {
      seq: number | null;
    };
    return r.seq ?? undefined;
  }

  lastSeqAtOrBefore(at: string): number | undefined {
    const r = this.db.prepare('SELECT MAX(seq) AS seq FROM audit_chain WHERE occurred_at <= ?').get(at) as {
      seq: number | null;
    };
    return r.seq ?? undefined;
  }

  /** Outbox rows that have no chain entry: an event slipped into the outbox past the chain. */
  unchainedOutboxIds(limit = 20): number[] {
    return (
      this.db
        .prepare(
          `SELECT id FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.outbox_id = o.id)
           ORDER BY id LIMIT ?`,
        )
        .all(limit) as { id: number }[]
    ).map((r) => r.id);
  }

  /** The id the next checkpoint will get (ids are consecutive; the signature covers the id). */
  nextCheckpointId(): number {
    return (
      ((this.db.prepare('SELECT MAX(id) AS id FROM audit_checkpoints').get() as { id: number | null }).id ??
        0) + 1
    );
  }

  addCheckpoint(c: CheckpointRow): CheckpointRow {
    this.db
      .prepare(
        `INSERT INTO audit_checkpoints (id, seq, hash, signed_at, key_id, signature, prev_digest)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.id, c.seq, c.hash, c.signedAt, c.keyId, c.signature, c.prevDigest);
    return c;
  }

  checkpoints(): CheckpointRow[] {
    return this.db
      .prepare(
        `SELECT id, seq, hash, signed_at AS signedAt, key_id AS keyId, signature, prev_digest AS prevDigest FROM audit_checkpoints ORDER BY id`,
      )
      .all() as CheckpointRow[];
  }

  lastCheckpoint(): CheckpointRow | undefined {
    return this.db
      .prepare(
        `SELECT id, seq, hash, signed_at AS signedAt, key_id AS keyId, signature, prev_digest AS prevDigest FROM audit_checkpoints
         ORDER BY id DESC LIMIT 1`,
      )
      .get() as CheckpointRow | undefined;
  }
}
