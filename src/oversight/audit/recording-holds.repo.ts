import type { Db } from '../../platform/store/db.ts';

export interface RecordingHold {
  id: number;
  enterpriseId: string;
  cameraId: string;
  fromAt: number;
  toAt: number;
  reason: string;
  openedBy: string;
  openedAt: number;
  closedAt: number | null;
}

/** What a hold event says (chained: opening and closing an audit question are audit facts). */
export interface RecordingHoldPayload {
  holdId: number;
  cameraId: string;
  from: string;
  to: string;
  reason: string;
  by: string;
}

const COLS = `id, enterprise_id AS enterpriseId, camera_id AS cameraId, from_at AS fromAt, to_at AS toAt, reason,
  opened_by AS openedBy, opened_at AS openedAt, closed_at AS closedAt`;

/** Holds on a camera's recorded time window (an audit question): retention keeps what they overlap. */
export class RecordingHoldsRepo {
  constructor(private readonly db: Db) {}

  open(h: Omit<RecordingHold, 'id' | 'closedAt'>): number {
    return (
      this.db
        .prepare(
          `INSERT INTO recording_holds (enterprise_id, camera_id, from_at, to_at, reason, opened_by, opened_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .get(h.enterpriseId, h.cameraId, h.fromAt, h.toAt, h.reason, h.openedBy, h.openedAt) as { id: number }
    ).id;
  }

  get(id: number): RecordingHold | undefined {
    return this.db.prepare(`SELECT ${COLS} FROM recording_holds WHERE id = ?`).get(id) as
      RecordingHold | undefined;
  }

  close(id: number, at: number): boolean {
    return (
      this.db
        .prepare('UPDATE recording_holds SET closed_at = ? WHERE id = ? AND closed_at IS NULL')
        .run(at, id).changes > 0
    );
  }

  openFor(enterpriseIds: readonly string[]): RecordingHold[] {
    if (enterpriseIds.length === 0) return [];
    const marks = enterpriseIds.map(() => '?').join(', ');
    return this.db
      .prepare(
        `SELECT ${COLS} FROM recording_holds WHERE closed_at IS NULL AND enterprise_id IN (${marks}) ORDER BY id`,
      )
      .all(...enterpriseIds) as RecordingHold[];
  }
}
