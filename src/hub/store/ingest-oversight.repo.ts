import type pg from 'pg';
import type { HazardFormFields } from '../../oversight/hazards/hazard.events.ts';

/** The hub's writes of the oversight projections (hub_hazards, hub_hazard_steps, hub_inspections, hub_inspection_findings), on the consumer's transaction. */
export class OversightIngestRepo {
  constructor(private readonly db: pg.PoolClient) {}

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
