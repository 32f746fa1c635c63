import type { Db } from '../../platform/store/db.ts';
import type { Box } from '../detect/types.ts';

export type CropLabel = 'pending' | 'bare_head' | 'not_bare_head';

export interface SiteCropRecord {
  id: number;
  violationId: number;
  enterpriseId: string;
  siteId: string;
  cameraId: string;
  model: string;
  label: CropLabel;
  jpeg: Buffer;
  width: number;
  height: number;
  headBox: Box;
  score: number;
  modelScale: number;
  createdAt: string;
  labelledAt: string | null;
}

const COLS = `id, violation_id AS violationId, enterprise_id AS enterpriseId, site_id AS siteId,
  camera_id AS cameraId, model, label, jpeg, width, height, head_box AS headBox, score,
  model_scale AS modelScale, created_at AS createdAt, labelled_at AS labelledAt`;
type Row = Omit<SiteCropRecord, 'headBox'> & { headBox: string };
const fromRow = (r: Row): SiteCropRecord => ({ ...r, headBox: JSON.parse(r.headBox) as Box });

/** The site_crops table (migration 120): every SQL statement of site learning's crops is here. */
export class SiteCropsRepo {
  constructor(private readonly db: Db) {}

  /** Keeps a crop for a violation; a second one for the same violation is ignored (returns false). */
  insert(c: Omit<SiteCropRecord, 'id' | 'label' | 'labelledAt'>): boolean {
    return (
      this.db
        .prepare(
          `INSERT INTO site_crops (violation_id, enterprise_id, site_id, camera_id, model, jpeg, width, height,
             head_box, score, model_scale, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (violation_id) DO NOTHING`,
        )
        .run(
          c.violationId,
          c.enterpriseId,
          c.siteId,
          c.cameraId,
          c.model,
          c.jpeg,
          c.width,
          c.height,
          JSON.stringify(c.headBox),
          c.score,
          c.modelScale,
          c.createdAt,
        ).changes > 0
    );
  }

  /** Labels the crop of a violation once (a pending crop only); false when there is none pending. */
  label(violationId: number, label: Exclude<CropLabel, 'pending'>, at: string): boolean {
    return (
      this.db
        .prepare(
          `UPDATE site_crops SET label = ?, labelled_at = ? WHERE violation_id = ? AND label = 'pending'`,
        )
        .run(label, at, violationId).changes > 0
    );
  }

  /** The labelled crops of a model, oldest review first. */
  labelled(model: string): SiteCropRecord[] {
    return (
      this.db
        .prepare(
          `SELECT ${COLS} FROM site_crops WHERE model = ? AND label != 'pending' ORDER BY labelled_at, id`,
        )
        .all(model) as Row[]
    ).map(fromRow);
  }

  counts(model: string): Record<CropLabel, number> {
    const rows = this.db
      .prepare(`SELECT label, COUNT(*) AS n FROM site_crops WHERE model = ? GROUP BY label`)
      .all(model) as { label: CropLabel; n: number }[];
    const out: Record<CropLabel, number> = { pending: 0, bare_head: 0, not_bare_head: 0 };
    for (const r of rows) out[r.label] = r.n;
    return out;
  }

  /** The enterprises whose cameras kept crops of a model (any label): whose data a run would learn from. */
  enterpriseIds(model: string): string[] {
    return (
      this.db
        .prepare(`SELECT DISTINCT enterprise_id AS id FROM site_crops WHERE model = ? ORDER BY id`)
        .all(model) as { id: string }[]
    ).map((r) => r.id);
  }

  /** Deletes pending crops created before `before` (violations nobody reviewed). */
  prunePending(before: string): number {
    return this.db.prepare(`DELETE FROM site_crops WHERE label = 'pending' AND created_at < ?`).run(before)
      .changes;
  }
}
