import type { Db } from '../../platform/store/db.ts';

/** An event as the audit sees it: the outbox row plus its place in the hash chain. */
export interface LoggedEvent {
  seq: number;
  outboxId: number;
  type: string;
  enterpriseId: string | null;
  occurredAt: string;
  payload: Record<string, unknown>;
}

interface Row {
  seq: number;
  outbox_id: number;
  type: string;
  enterprise_id: string | null;
  occurred_at: string;
  payload: string;
}

export interface BetweenQuery {
  types: readonly string[];
  from: string;
  to: string;
  enterpriseIds?: readonly string[];
  /** payload.$.<field> must equal one of these */
  payloadField?: { name: 'cameraId' | 'permitId'; values: readonly string[] };
}

const toEvent = (r: Row): LoggedEvent => ({
  seq: r.seq,
  outboxId: r.outbox_id,
  type: r.type,
  enterpriseId: r.enterprise_id,
  occurredAt: r.occurred_at,
  payload: JSON.parse(r.payload) as Record<string, unknown>,
});

/**
 * Reads the chained event log by time, type and enterprise. The permit audit is built from these
 * events (permit transitions, camera health changes, violations, scans, chips, locks), so every
 * verdict cites entries that `jianhu audit verify` can prove unaltered.
 */
export class EventLogRepo {
  constructor(private readonly db: Db) {}

  between(q: BetweenQuery & { limit?: number }): LoggedEvent[] {
    const sql = this.betweenSql(q);
    if (!sql) return [];
    const rows = this.db.prepare(`${sql.text} LIMIT ?`).all(...sql.args, q.limit ?? 50_000) as Row[];
    return rows.map(toEvent);
  }

  /**
   * Every matching event, one at a time and without a limit (a region's permits over months): the
   * caller keeps what it needs of each and drops the rest. Run no other statement on this connection
   * until the iteration ends.
   */
  *each(q: BetweenQuery): Generator<LoggedEvent> {
    const sql = this.betweenSql(q);
    if (!sql) return;
    for (const r of this.db.prepare(sql.text).iterate(...sql.args) as IterableIterator<Row>) yield toEvent(r);
  }

  private betweenSql(q: BetweenQuery): { text: string; args: unknown[] } | null {
    if (q.types.length === 0) return null;
    const where = [
      `o.type IN (${q.types.map(() => '?').join(', ')})`,
      'o.occurred_at >= ?',
      'o.occurred_at < ?',
    ];
    const args: unknown[] = [...q.types, q.from, q.to];
    if (q.enterpriseIds) {
      if (q.enterpriseIds.length === 0) return null;
      where.push(`o.enterprise_id IN (${q.enterpriseIds.map(() => '?').join(', ')})`);
      args.push(...q.enterpriseIds);
    }
    if (q.payloadField) {
      if (q.payloadField.values.length === 0) return null;
      where.push(
        `json_extract(o.payload, '$.${q.payloadField.name}') IN (${q.payloadField.values.map(() => '?').join(', ')})`,
      );
      args.push(...q.payloadField.values);
    }
    return {
      text: `SELECT c.seq, c.outbox_id, o.type, o.enterprise_id, o.occurred_at, o.payload
         FROM outbox o JOIN audit_chain c ON c.outbox_id = o.id
         WHERE ${where.join(' AND ')} ORDER BY o.occurred_at, c.seq`,
      args,
    };
  }

  /** The last event of these types before `before` with payload.cameraId = cameraId. */
  lastBefore(types: readonly string[], cameraId: string, before: string): LoggedEvent | undefined {
    const r = this.db
      .prepare(
        `SELECT c.seq, c.outbox_id, o.type, o.enterprise_id, o.occurred_at, o.payload
         FROM outbox o JOIN audit_chain c ON c.outbox_id = o.id
         WHERE o.type IN (${types.map(() => '?').join(', ')}) AND o.occurred_at < ?
           AND json_extract(o.payload, '$.cameraId') = ?
         ORDER BY o.occurred_at DESC, c.seq DESC LIMIT 1`,
      )
      .get(...types, before, cameraId) as Row | undefined;
    return r ? toEvent(r) : undefined;
  }
}
