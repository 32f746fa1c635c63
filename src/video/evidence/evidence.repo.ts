import type { Db } from '../../platform/store/db.ts';
import type { Box } from '../../vision/detect/types.ts';

export interface EvidenceRecord {
  id: number;
  violationId: number | null;
  permitId: string | null;
  enterpriseId: string;
  cameraId: string;
  kind: 'snapshot' | 'clip';
  path: string;
  sha256: string;
  bytes: number;
  mime: string;
  coversFrom: string | null;
  coversTo: string | null;
  createdAt: string;
  /**
   * A snapshot's violation box in the pixels of the frame it shows (migration 115): a screen that
   * outlines the box over the picture uses this one, never the violation's latest box, which moves on
   * with the person after the snapshot was taken.
   */
  frameBox: Box | null;
}

const COLS = `id, violation_id AS violationId, permit_id AS permitId, enterprise_id AS enterpriseId,
  camera_id AS cameraId, kind, path, sha256, bytes, mime, covers_from AS coversFrom, covers_to AS coversTo,
  created_at AS createdAt, frame_box AS frameBox`;

type Row = Omit<EvidenceRecord, 'frameBox'> & { frameBox: string | null };
const fromRow = (r: Row): EvidenceRecord => ({
  ...r,
  frameBox: r.frameBox ? (JSON.parse(r.frameBox) as Box) : null,
});

export class EvidenceRepo {
  constructor(private readonly db: Db) {}

  insert(e: Omit<EvidenceRecord, 'id' | 'frameBox'> & { frameBox?: Box | null }): number {
    return (
      this.db
        .prepare(
          `INSERT INTO evidence (violation_id, permit_id, enterprise_id, camera_id, kind, path, sha256, bytes, mime,
             covers_from, covers_to, created_at, frame_box) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           RETURNING id`,
        )
        .get(
          e.violationId,
          e.permitId,
          e.enterpriseId,
          e.cameraId,
          e.kind,
          e.path,
          e.sha256,
          e.bytes,
          e.mime,
          e.coversFrom,
          e.coversTo,
          e.createdAt,
          e.frameBox ? JSON.stringify(e.frameBox) : null,
        ) as { id: number }
    ).id;
  }

  get(id: number): EvidenceRecord | undefined {
    const r = this.db.prepare(`SELECT ${COLS} FROM evidence WHERE id = ?`).get(id) as Row | undefined;
    return r && fromRow(r);
  }

  forViolation(violationId: number): EvidenceRecord[] {
    return (
      this.db
        .prepare(`SELECT ${COLS} FROM evidence WHERE violation_id = ? ORDER BY id`)
        .all(violationId) as Row[]
    ).map(fromRow);
  }

  attachToPermit(id: number, permitId: string): boolean {
    return this.db.prepare('UPDATE evidence SET permit_id = ? WHERE id = ?').run(permitId, id).changes > 0;
  }

  /** Unattached evidence created before `before` (the only rows retention may delete). */
  expired(before: string, limit = 500): EvidenceRecord[] {
    return (
      this.db
        .prepare(
          `SELECT ${COLS} FROM evidence WHERE violation_id IS NULL AND permit_id IS NULL AND created_at < ?
         ORDER BY id LIMIT ?`,
        )
        .all(before, limit) as Row[]
    ).map(fromRow);
  }

  /** Deletes only if still unattached (a permit may have claimed it meanwhile). */
  deleteUnattached(id: number): boolean {
    return (
      this.db
        .prepare('DELETE FROM evidence WHERE id = ? AND violation_id IS NULL AND permit_id IS NULL')
        .run(id).changes > 0
    );
  }

  allPaths(): Set<string> {
    return new Set(
      (this.db.prepare('SELECT path FROM evidence').all() as { path: string }[]).map((r) => r.path),
    );
  }
}
