import type { Db } from '../../platform/store/db.ts';

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
}

const COLS = `id, violation_id AS violationId, permit_id AS permitId, enterprise_id AS enterpriseId,
  camera_id AS cameraId, kind, path, sha256, bytes, mime, covers_from AS coversFrom, covers_to AS coversTo,
  created_at AS createdAt`;

export class EvidenceRepo {
  constructor(private readonly db: Db) {}

  insert(e: Omit<EvidenceRecord, 'id'>): number {
    return (
      this.db
        .prepare(
          `INSERT INTO evidence (violation_id, permit_id, enterprise_id, camera_id, kind, path, sha256, bytes, mime,
             covers_from, covers_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
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
        ) as { id: number }
    ).id;
  }

  get(id: number): EvidenceRecord | undefined {
    return this.db.prepare(`SELECT ${COLS} FROM evidence WHERE id = ?`).get(id) as EvidenceRecord | undefined;
  }

  forViolation(violationId: number): EvidenceRecord[] {
    return this.db
      .prepare(`SELECT ${COLS} FROM evidence WHERE violation_id = ? ORDER BY id`)
      .all(violationId) as EvidenceRecord[];
  }

  attachToPermit(id: number, permitId: string): boolean {
    return this.db.prepare('UPDATE evidence SET permit_id = ? WHERE id = ?').run(permitId, id).changes > 0;
  }

  /** Unattached evidence created before `before` (the only rows retention may delete). */
  expired(before: string, limit = 500): EvidenceRecord[] {
    return this.db
      .prepare(
        `SELECT ${COLS} FROM evidence WHERE violation_id IS NULL AND permit_id IS NULL AND created_at < ?
         ORDER BY id LIMIT ?`,
      )
      .all(before, limit) as EvidenceRecord[];
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
