import type { Db } from '../../platform/store/db.ts';

export interface SegmentRow {
  id: number;
  cameraId: string;
  enterpriseId: string | null;
  path: string;
  sha256: string;
  bytes: number;
  codec: string;
  startedAt: number;
  endedAt: number;
  mediaStart: number;
  deletedAt: number | null;
  deleteReason: string | null;
}

export interface GapRow {
  id: number;
  cameraId: string;
  fromAt: number;
  toAt: number;
  cause: string;
  message: string;
}

const SEG_COLS = `id, camera_id AS cameraId, enterprise_id AS enterpriseId, path, sha256, bytes, codec,
  started_at AS startedAt, ended_at AS endedAt, media_start AS mediaStart, deleted_at AS deletedAt,
  delete_reason AS deleteReason`;
const GAP_COLS = 'id, camera_id AS cameraId, from_at AS fromAt, to_at AS toAt, cause, message';

/** Segments and gaps of the recordings (migration 105). */
export class RecordingRepo {
  constructor(private readonly db: Db) {}

  insertSegment(s: Omit<SegmentRow, 'id' | 'deletedAt' | 'deleteReason'>): number {
    const row = this.db
      .prepare(
        `INSERT INTO recording_segments (camera_id, enterprise_id, path, sha256, bytes, codec, started_at,
           ended_at, media_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .get(
        s.cameraId,
        s.enterpriseId,
        s.path,
        s.sha256,
        s.bytes,
        s.codec,
        s.startedAt,
        s.endedAt,
        s.mediaStart,
      ) as {
      id: number;
    };
    return row.id;
  }

  insertGap(g: Omit<GapRow, 'id'>): number {
    const row = this.db
      .prepare(
        'INSERT INTO recording_gaps (camera_id, from_at, to_at, cause, message) VALUES (?, ?, ?, ?, ?) RETURNING id',
      )
      .get(g.cameraId, g.fromAt, g.toAt, g.cause, g.message) as { id: number };
    return row.id;
  }

  segment(id: number): SegmentRow | undefined {
    return this.db.prepare(`SELECT ${SEG_COLS} FROM recording_segments WHERE id = ?`).get(id) as
      SegmentRow | undefined;
  }

  /** Segments of these cameras overlapping [from, to), deleted ones included, in time order. */
  segments(cameraIds: readonly string[], from: number, to: number): SegmentRow[] {
    if (cameraIds.length === 0) return [];
    const marks = cameraIds.map(() => '?').join(', ');
    return this.db
      .prepare(
        `SELECT ${SEG_COLS} FROM recording_segments
         WHERE camera_id IN (${marks}) AND started_at < ? AND ended_at > ? ORDER BY started_at, id`,
      )
      .all(...cameraIds, to, from) as SegmentRow[];
  }

  gaps(cameraIds: readonly string[], from: number, to: number): GapRow[] {
    if (cameraIds.length === 0) return [];
    const marks = cameraIds.map(() => '?').join(', ');
    return this.db
      .prepare(
        `SELECT ${GAP_COLS} FROM recording_gaps
         WHERE camera_id IN (${marks}) AND from_at < ? AND to_at > ? ORDER BY from_at, id`,
      )
      .all(...cameraIds, to, from) as GapRow[];
  }

  /** Kept segments that ended before `before`, oldest first: retention's candidates. */
  endedBefore(before: number, limit = 500): SegmentRow[] {
    return this.db
      .prepare(
        `SELECT ${SEG_COLS} FROM recording_segments WHERE deleted_at IS NULL AND ended_at < ?
         ORDER BY ended_at LIMIT ?`,
      )
      .all(before, limit) as SegmentRow[];
  }

  markDeleted(id: number, at: number, reason: string): boolean {
    return (
      this.db
        .prepare(
          'UPDATE recording_segments SET deleted_at = ?, delete_reason = ? WHERE id = ? AND deleted_at IS NULL',
        )
        .run(at, reason, id).changes > 0
    );
  }

  /** Bytes of the segments still on disk. */
  keptBytes(): number {
    const r = this.db
      .prepare('SELECT COALESCE(SUM(bytes), 0) AS n FROM recording_segments WHERE deleted_at IS NULL')
      .get() as { n: number };
    return r.n;
  }
}
