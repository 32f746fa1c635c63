import type { Db } from '../../platform/store/db.ts';

/** Why a violation has no snapshot (migration 115): typed, so the desk says so instead of showing nothing. */
export type EvidenceUnavailableReason = 'no_usable_frame' | 'frame_not_kept';

export interface EvidenceUnavailableRecord {
  id: number;
  violationId: number;
  enterpriseId: string;
  cameraId: string;
  kind: 'snapshot';
  reason: EvidenceUnavailableReason;
  detectedAt: string;
  framesLooked: number;
  meanLuma: number | null;
  createdAt: string;
}

const COLS = `id, violation_id AS violationId, enterprise_id AS enterpriseId, camera_id AS cameraId, kind,
  reason, detected_at AS detectedAt, frames_looked AS framesLooked, mean_luma AS meanLuma,
  created_at AS createdAt`;

export class EvidenceUnavailableRepo {
  constructor(private readonly db: Db) {}

  /** The new row's id, or null when this violation already has one for this kind. */
  insert(e: Omit<EvidenceUnavailableRecord, 'id'>): number | null {
    const row = this.db
      .prepare(
        `INSERT INTO evidence_unavailable (violation_id, enterprise_id, camera_id, kind, reason, detected_at,
           frames_looked, mean_luma, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (violation_id, kind) DO NOTHING RETURNING id`,
      )
      .get(
        e.violationId,
        e.enterpriseId,
        e.cameraId,
        e.kind,
        e.reason,
        e.detectedAt,
        e.framesLooked,
        e.meanLuma,
        e.createdAt,
      ) as { id: number } | undefined;
    return row?.id ?? null;
  }

  forViolation(violationId: number): EvidenceUnavailableRecord[] {
    return this.db
      .prepare(`SELECT ${COLS} FROM evidence_unavailable WHERE violation_id = ? ORDER BY id`)
      .all(violationId) as EvidenceUnavailableRecord[];
  }
}
