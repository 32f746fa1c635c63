import type pg from 'pg';
import type { BoxHead } from '../../platform/events/hub-wire.ts';
import type { ChainEntry } from '../../platform/events/chain.ts';
import type { HazardFormFields } from '../../oversight/hazards/hazard.events.ts';

/**
 * The hub's writes, all on one transaction's client: the consumer applies a batch of messages and
 * commits before it acknowledges any of them to JetStream.
 */
export class IngestRepo {
  constructor(private readonly db: pg.PoolClient) {}

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

  /**
   * A hazard's step: the row (state, level, deadline, and on registration the fields the annex forms
   * print) and the step's time in hub_hazard_steps (once per box seq).
   */
  async hazard(boxId: string, enterpriseId: string | null, seq: number, h: HubHazardStep, at: string) {
    const f = h.form;
    await this.db.query(
      `INSERT INTO hub_hazards (box_id, hazard_id, enterprise_id, state, level, deadline, description, updated_at,
         source, violation_id, stage, site_id, checker, supervising_unit, location, basis, hazard_type,
         penalty_yuan, penalty_note, found_at, five, before_photos, rectified_at, verified_at, closed_at,
         photo_sha256)
       VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7, ''), $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
         COALESCE($18::numeric, 0), $19, $20, $21::jsonb, COALESCE($22::int, 0),
         CASE WHEN $4::text = 'rectified' THEN $8::timestamptz END,
         CASE WHEN $4::text = 'verified' THEN $8::timestamptz END,
         CASE WHEN $4::text = 'closed' THEN $8::timestamptz END, $23)
       ON CONFLICT (box_id, hazard_id) DO UPDATE SET state = EXCLUDED.state,
         level = COALESCE(EXCLUDED.level, hub_hazards.level),
         deadline = COALESCE(EXCLUDED.deadline, hub_hazards.deadline),
         description = CASE WHEN $7 IS NULL THEN hub_hazards.description ELSE EXCLUDED.description END,
         updated_at = EXCLUDED.updated_at,
         source = COALESCE(EXCLUDED.source, hub_hazards.source),
         violation_id = COALESCE(EXCLUDED.violation_id, hub_hazards.violation_id),
         stage = COALESCE(EXCLUDED.stage, hub_hazards.stage),
         site_id = COALESCE(EXCLUDED.site_id, hub_hazards.site_id),
         checker = COALESCE(EXCLUDED.checker, hub_hazards.checker),
         supervising_unit = COALESCE(EXCLUDED.supervising_unit, hub_hazards.supervising_unit),
         location = COALESCE(EXCLUDED.location, hub_hazards.location),
         basis = COALESCE(EXCLUDED.basis, hub_hazards.basis),
         hazard_type = COALESCE(EXCLUDED.hazard_type, hub_hazards.hazard_type),
         penalty_yuan = CASE WHEN $18 IS NULL THEN hub_hazards.penalty_yuan ELSE EXCLUDED.penalty_yuan END,
         penalty_note = COALESCE(EXCLUDED.penalty_note, hub_hazards.penalty_note),
         found_at = COALESCE(EXCLUDED.found_at, hub_hazards.found_at),
         five = COALESCE(EXCLUDED.five, hub_hazards.five),
         before_photos = CASE WHEN $22 IS NULL THEN hub_hazards.before_photos ELSE EXCLUDED.before_photos END,
         rectified_at = COALESCE(EXCLUDED.rectified_at, hub_hazards.rectified_at),
         verified_at = COALESCE(EXCLUDED.verified_at, hub_hazards.verified_at),
         closed_at = COALESCE(EXCLUDED.closed_at, hub_hazards.closed_at),
         photo_sha256 = COALESCE(EXCLUDED.photo_sha256, hub_hazards.photo_sha256)`,
      [
        boxId,
        h.hazardId,
        enterpriseId,
        h.to,
        h.level ?? null,
        h.deadline ?? null,
        h.description ?? null,
        at,
        h.source ?? null,
        h.violationId ?? null,
        h.stage ?? null,
        f?.siteId ?? null,
        f?.checker ?? null,
        f?.supervisingUnit ?? null,
        f?.location ?? null,
        f?.basis ?? null,
        f?.hazardType ?? null,
        f?.penaltyYuan ?? null,
        f?.penaltyNote ?? null,
        h.foundAt ?? null,
        h.five === undefined ? null : JSON.stringify(h.five),
        h.beforePhotos ?? null,
        h.photoSha256 ?? null,
      ],
    );
    await this.db.query(
      `INSERT INTO hub_hazard_steps (box_id, seq, hazard_id, to_state, at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [boxId, seq, h.hazardId, h.to, at],
    );
  }

  /** An inspection record as recorded or updated (null `facts`: deleted). */
  async inspection(
    boxId: string,
    enterpriseId: string | null,
    inspectionId: number,
    facts: HubInspection | null,
  ): Promise<void> {
    if (!facts) {
      await this.db.query('DELETE FROM hub_inspections WHERE box_id = $1 AND inspection_id = $2', [
        boxId,
        inspectionId,
      ]);
      return;
    }
    await this.db.query(
      `INSERT INTO hub_inspections (box_id, inspection_id, enterprise_id, inspected_at, stage, penalty_yuan,
         penalty_text, supervised, supervising_unit) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (box_id, inspection_id) DO UPDATE SET enterprise_id = EXCLUDED.enterprise_id,
         inspected_at = EXCLUDED.inspected_at, stage = EXCLUDED.stage, penalty_yuan = EXCLUDED.penalty_yuan,
         penalty_text = EXCLUDED.penalty_text, supervised = EXCLUDED.supervised,
         supervising_unit = EXCLUDED.supervising_unit`,
      [
        boxId,
        inspectionId,
        enterpriseId,
        facts.inspectedAt,
        facts.stage,
        facts.penaltyYuan,
        facts.penaltyText,
        facts.supervised,
        facts.supervisingUnit,
      ],
    );
  }

  async inspectionFinding(boxId: string, inspectionId: number, hazardId: number): Promise<void> {
    await this.db.query(
      `INSERT INTO hub_inspection_findings (box_id, inspection_id, hazard_id) VALUES ($1, $2, $3)
       ON CONFLICT (box_id, hazard_id) DO UPDATE SET inspection_id = EXCLUDED.inspection_id`,
      [boxId, inspectionId, hazardId],
    );
  }
}

/** What one hazard event says, as project.ts reads it (fields a box did not ship are absent). */
export interface HubHazardStep {
  hazardId: number;
  to: string;
  level?: string | null;
  deadline?: string;
  description?: string;
  source?: string;
  violationId?: string | null;
  stage?: string;
  foundAt?: string;
  five?: Record<string, unknown> | null;
  beforePhotos?: number;
  photoSha256?: string;
  form?: Partial<HazardFormFields>;
}

/** What the forms read of an inspection event. */
export interface HubInspection {
  inspectedAt: string;
  stage: string;
  penaltyYuan: number;
  penaltyText: string | null;
  supervised: boolean;
  supervisingUnit: string | null;
}
