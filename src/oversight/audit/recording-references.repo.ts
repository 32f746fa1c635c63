import type { Db } from '../../platform/store/db.ts';

/** A violation's window is widened by this much: the moments around it are part of what it shows. */
const VIOLATION_MARGIN_MS = 10_000;
/** A permit's validity window widened by this much covers the recorder's pre and post roll. */
const PERMIT_MARGIN_MS = 3_600_000;

/**
 * What refers to a camera's recorded time window, for recording retention: the permits it was recorded
 * under (their kind and level set how long it is kept), violations on the camera (not dismissed, or
 * carried into a hazard) and open recording holds (an audit question).
 */
export class RecordingReferencesRepo {
  constructor(private readonly db: Db) {}

  permitsOn(
    cameraId: string,
    from: number,
    to: number,
  ): { permitId: string; kind: string; level: string | null }[] {
    return this.db
      .prepare(
        `SELECT p.id AS permitId, p.kind, json_extract(p.doc, '$.level') AS level
         FROM permits p JOIN permit_bindings b ON b.permit_id = p.id AND b.kind = 'camera' AND b.ref = ?
         WHERE p.valid_from - ? < ? AND p.valid_to + ? > ?`,
      )
      .all(cameraId, PERMIT_MARGIN_MS, to, PERMIT_MARGIN_MS, from) as {
      permitId: string;
      kind: string;
      level: string | null;
    }[];
  }

  violationOn(
    cameraId: string,
    from: number,
    to: number,
  ): { id: number; hazardId: number | null } | undefined {
    return this.db
      .prepare(
        `SELECT v.id, (SELECT h.id FROM hazards h WHERE h.violation_id = CAST(v.id AS TEXT) LIMIT 1) AS hazardId
         FROM violations v
         WHERE v.camera_id = ? AND v.started_at < ? AND COALESCE(v.ended_at, v.last_seen_at) > ?
           AND (v.review != 'dismissed'
                OR EXISTS (SELECT 1 FROM hazards h WHERE h.violation_id = CAST(v.id AS TEXT)))
         ORDER BY v.id LIMIT 1`,
      )
      .get(
        cameraId,
        new Date(to + VIOLATION_MARGIN_MS).toISOString(),
        new Date(from - VIOLATION_MARGIN_MS).toISOString(),
      ) as { id: number; hazardId: number | null } | undefined;
  }

  openHoldOn(cameraId: string, from: number, to: number): { id: number; reason: string } | undefined {
    return this.db
      .prepare(
        `SELECT id, reason FROM recording_holds
         WHERE camera_id = ? AND closed_at IS NULL AND from_at < ? AND to_at > ? ORDER BY id LIMIT 1`,
      )
      .get(cameraId, to, from) as { id: number; reason: string } | undefined;
  }
}

// a type, not an interface: the route's JSON schema wants an index-signature-compatible shape
export type TimelineViolation = {
  id: number;
  cameraId: string;
  type: string;
  severity: string;
  review: string;
  startedAt: string;
  endedAt: string;
};

/** Violations on these cameras overlapping [from, to), for a permit's recording timeline. */
export function violationsOn(
  db: Db,
  cameraIds: readonly string[],
  from: number,
  to: number,
): TimelineViolation[] {
  if (cameraIds.length === 0) return [];
  const marks = cameraIds.map(() => '?').join(', ');
  return db
    .prepare(
      `SELECT id, camera_id AS cameraId, type, severity, review, started_at AS startedAt,
              COALESCE(ended_at, last_seen_at) AS endedAt
       FROM violations WHERE camera_id IN (${marks}) AND started_at < ? AND COALESCE(ended_at, last_seen_at) > ?
       ORDER BY started_at, id LIMIT 1000`,
    )
    .all(...cameraIds, new Date(to).toISOString(), new Date(from).toISOString()) as TimelineViolation[];
}
