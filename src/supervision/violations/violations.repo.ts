import type { Box } from '../../vision/detect/types.ts';
import type { Severity, ViolationType } from '../rules/types.ts';
import type { Db } from '../../platform/store/db.ts';

export type ViolationState = 'active' | 'ended';
export type Review = 'pending' | 'confirmed' | 'dismissed';

export interface ViolationRecord {
  id: number;
  enterpriseId: string;
  siteId: string;
  cameraId: string;
  type: ViolationType;
  severity: Severity;
  trackId: number | null;
  zoneId: string | null;
  state: ViolationState;
  review: Review;
  startedAt: string;
  lastSeenAt: string;
  endedAt: string | null;
  box: Box | null;
  detail: Record<string, number | string>;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
}

export interface ViolationFilter {
  enterpriseIds: readonly string[];
  cameraId?: string;
  type?: string;
  state?: ViolationState;
  review?: Review;
  from?: string;
  to?: string;
  limit: number;
  /** keyset pagination: only rows with id < beforeId */
  beforeId?: number;
}

const COLS = `id, enterprise_id AS enterpriseId, site_id AS siteId, camera_id AS cameraId, type, severity,
  track_id AS trackId, zone_id AS zoneId, state, review, started_at AS startedAt, last_seen_at AS lastSeenAt,
  ended_at AS endedAt, box, detail, reviewed_by AS reviewedBy, reviewed_at AS reviewedAt, review_note AS reviewNote`;

type Row = Omit<ViolationRecord, 'box' | 'detail'> & { box: string | null; detail: string };
const fromRow = (r: Row): ViolationRecord => ({
  ...r,
  box: r.box ? (JSON.parse(r.box) as Box) : null,
  detail: JSON.parse(r.detail) as Record<string, number | string>,
});

export class ViolationsRepo {
  constructor(private readonly db: Db) {}

  insert(v: Omit<ViolationRecord, 'id' | 'review' | 'reviewedBy' | 'reviewedAt' | 'reviewNote'>): number {
    const r = this.db
      .prepare(
        `INSERT INTO violations (enterprise_id, site_id, camera_id, type, severity, track_id, zone_id, state,
           started_at, last_seen_at, ended_at, box, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .get(
        v.enterpriseId,
        v.siteId,
        v.cameraId,
        v.type,
        v.severity,
        v.trackId,
        v.zoneId,
        v.state,
        v.startedAt,
        v.lastSeenAt,
        v.endedAt,
        v.box ? JSON.stringify(v.box) : null,
        JSON.stringify(v.detail),
      ) as { id: number };
    return r.id;
  }

  touch(
    id: number,
    lastSeenAt: string,
    box: Box | null,
    detail: Record<string, number | string>,
    trackId: number | null,
  ): void {
    this.db
      .prepare('UPDATE violations SET last_seen_at = ?, box = ?, detail = ?, track_id = ? WHERE id = ?')
      .run(lastSeenAt, box ? JSON.stringify(box) : null, JSON.stringify(detail), trackId, id);
  }

  end(id: number, endedAt: string): void {
    this.db
      .prepare(
        `UPDATE violations SET state = 'ended', ended_at = ?, last_seen_at = MAX(last_seen_at, ?) WHERE id = ?`,
      )
      .run(endedAt, endedAt, id);
  }

  /** Violations left active by a stop or crash: ended at their last sighting (at start-up). */
  endDangling(): number[] {
    const rows = this.db
      .prepare(
        `UPDATE violations SET state = 'ended', ended_at = last_seen_at WHERE state = 'active' RETURNING id`,
      )
      .all() as { id: number }[];
    return rows.map((r) => r.id);
  }

  review(id: number, review: Review, by: string, at: string, note: string | null): void {
    this.db
      .prepare(
        'UPDATE violations SET review = ?, reviewed_by = ?, reviewed_at = ?, review_note = ? WHERE id = ?',
      )
      .run(review, by, at, note, id);
  }

  get(id: number): ViolationRecord | undefined {
    const r = this.db.prepare(`SELECT ${COLS} FROM violations WHERE id = ?`).get(id) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  list(f: ViolationFilter): ViolationRecord[] {
    if (f.enterpriseIds.length === 0) return [];
    const where = [`enterprise_id IN (${f.enterpriseIds.map(() => '?').join(',')})`];
    const args: (string | number)[] = [...f.enterpriseIds];
    const add = (sql: string, v: string | number | undefined) => {
      if (v === undefined) return;
      where.push(sql);
      args.push(v);
    };
    add('camera_id = ?', f.cameraId);
    add('type = ?', f.type);
    add('state = ?', f.state);
    add('review = ?', f.review);
    add('started_at >= ?', f.from);
    add('started_at < ?', f.to);
    add('id < ?', f.beforeId);
    args.push(f.limit);
    return (
      this.db
        .prepare(`SELECT ${COLS} FROM violations WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`)
        .all(...args) as Row[]
    ).map(fromRow);
  }
}
