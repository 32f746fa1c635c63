import type pg from 'pg';
import type { BoxHead } from '../../platform/events/hub-wire.ts';
import type { ChainEntry } from '../../platform/events/chain.ts';
import { OversightIngestRepo } from './ingest-oversight.repo.ts';

/**
 * The hub's writes, all on one transaction's client: the consumer applies a batch of messages and
 * commits before it acknowledges any of them to JetStream.
 */
export class IngestRepo {
  /** the oversight projections: hazards and 执法检查 (ingest-oversight.repo.ts) */
  readonly oversight: OversightIngestRepo;
  constructor(private readonly db: pg.PoolClient) {
    this.oversight = new OversightIngestRepo(db);
  }

  async head(boxId: string): Promise<BoxHead | undefined> {
    const r = await this.db.query<{ seq: string; hash: string }>(
      'SELECT seq, hash FROM hub_box_heads WHERE box_id = $1 FOR UPDATE',
      [boxId],
    );
    const row = r.rows[0];
    return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
  }

  async heldHash(boxId: string, seq: number): Promise<string | undefined> {
    const r = await this.db.query<{ hash: string }>(
      'SELECT hash FROM hub_events WHERE box_id = $1 AND seq = $2',
      [boxId, seq],
    );
    return r.rows[0]?.hash;
  }

  async insertEvent(boxId: string, e: ChainEntry, payload: unknown): Promise<void> {
    await this.db.query(
      `INSERT INTO hub_events (box_id, seq, outbox_id, type, enterprise_id, occurred_at, payload,
         payload_sha256, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        boxId,
        e.seq,
        e.outboxId,
        e.type,
        e.enterpriseId,
        e.occurredAt,
        payload,
        e.payloadSha256,
        e.prevHash,
        e.hash,
      ],
    );
  }

  async setHead(boxId: string, head: BoxHead): Promise<void> {
    await this.db.query(
      `INSERT INTO hub_box_heads (box_id, seq, hash, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (box_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, updated_at = now()`,
      [boxId, head.seq, head.hash],
    );
    // a hole the head has now passed is filled: its gap alarm is resolved
    await this.db.query(
      `UPDATE hub_alarms SET resolved_at = now()
       WHERE box_id = $1 AND kind = 'gap' AND resolved_at IS NULL AND seq <= $2`,
      [boxId, head.seq],
    );
  }

  async hold(boxId: string, seq: number, subject: string, body: string): Promise<void> {
    await this.db.query(
      'INSERT INTO hub_held (box_id, seq, subject, body) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [boxId, seq, subject, body],
    );
  }

  async holdsAny(boxId: string): Promise<boolean> {
    const r = await this.db.query('SELECT 1 FROM hub_held WHERE box_id = $1 LIMIT 1', [boxId]);
    return (r.rowCount ?? 0) > 0;
  }

  /** Takes (deletes and returns) the held entry at `seq`, if any. */
  async takeHeld(boxId: string, seq: number): Promise<{ subject: string; body: string } | undefined> {
    const r = await this.db.query<{ subject: string; body: string }>(
      'DELETE FROM hub_held WHERE box_id = $1 AND seq = $2 RETURNING subject, body',
      [boxId, seq],
    );
    return r.rows[0];
  }

  async alarm(a: {
    boxId: string;
    kind: 'gap' | 'fork' | 'refused';
    code: string;
    seq: number;
    enterpriseId: string | null;
    subject: string | null;
    detail: string;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO hub_alarms (box_id, kind, code, seq, enterprise_id, subject, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (box_id, kind, code, seq) DO UPDATE
         SET times = hub_alarms.times + 1, last_at = now(), detail = EXCLUDED.detail`,
      [a.boxId, a.kind, a.code, a.seq, a.enterpriseId, a.subject, a.detail],
    );
  }

  // ---- projections -------------------------------------------------------------------------

  async permitState(
    boxId: string,
    enterpriseId: string | null,
    p: {
      permitId: string;
      number: string;
      kind: string;
      from: string | null;
      to: string;
      cameraIds: string[];
    },
    at: string,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO hub_permits (box_id, permit_id, enterprise_id, number, kind, state, camera_ids,
         first_started_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $6 = 'active' THEN $8::timestamptz END, $8)
       ON CONFLICT (box_id, permit_id) DO UPDATE SET state = EXCLUDED.state, camera_ids = EXCLUDED.camera_ids,
         number = EXCLUDED.number, updated_at = EXCLUDED.updated_at,
         first_started_at = COALESCE(hub_permits.first_started_at, EXCLUDED.first_started_at)`,
      [boxId, p.permitId, enterpriseId, p.number, p.kind, p.to, JSON.stringify(p.cameraIds), at],
    );
    if (p.to === 'active')
      await this.db.query(
        `INSERT INTO hub_permit_work (box_id, permit_id, start_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [boxId, p.permitId, at],
      );
    else if (p.from === 'active')
      await this.db.query(
        `UPDATE hub_permit_work SET end_at = $3 WHERE box_id = $1 AND permit_id = $2 AND end_at IS NULL`,
        [boxId, p.permitId, at],
      );
  }

  async cameraHealth(
    boxId: string,
    enterpriseId: string | null,
    seq: number,
    h: { cameraId: string; siteId: string; to: string; reason: string; message: string },
    at: string,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO hub_camera_health (box_id, camera_id, at, state, reason, message, seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [boxId, h.cameraId, at, h.to, h.reason, h.message, seq],
    );
    await this.db.query(
      `INSERT INTO hub_cameras (box_id, camera_id, site_id, enterprise_id, state, since)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (box_id, camera_id) DO UPDATE SET site_id = EXCLUDED.site_id, state = EXCLUDED.state,
         since = EXCLUDED.since, enterprise_id = EXCLUDED.enterprise_id`,
      [boxId, h.cameraId, h.siteId, enterpriseId, h.to, at],
    );
  }

  async violation(
    boxId: string,
    enterpriseId: string | null,
    v: {
      violationId: number;
      cameraId: string;
      type: string;
      typeZh: string;
      severity: string;
      state: string;
      review: string;
      startedAt: string;
      endedAt: string | null;
    },
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO hub_violations (box_id, violation_id, enterprise_id, camera_id, type, type_zh, severity,
         state, review, started_at, ended_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (box_id, violation_id) DO UPDATE SET state = EXCLUDED.state, review = EXCLUDED.review,
         severity = EXCLUDED.severity, ended_at = EXCLUDED.ended_at`,
      [
        boxId,
        v.violationId,
        enterpriseId,
        v.cameraId,
        v.type,
        v.typeZh,
        v.severity,
        v.state,
        v.review,
        v.startedAt,
        v.endedAt,
      ],
    );
  }

  async evidenceOfViolation(boxId: string, violationId: number, sha256: string): Promise<void> {
    await this.db.query(
      'UPDATE hub_violations SET evidence_sha256 = $3 WHERE box_id = $1 AND violation_id = $2',
      [boxId, violationId, sha256],
    );
  }
}

export type { HubHazardStep, HubInspection } from './ingest-oversight.repo.ts';
