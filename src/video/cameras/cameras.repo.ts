import type { Db } from '../../platform/store/db.ts';
import type { RtspTransport } from '../sources/types.ts';
import type { CatalogCamera } from './camera.types.ts';

interface Row {
  id: string;
  enterprise_id: string;
  site_id: string;
  name: string;
  url: string;
  record_url: string | null;
  rtsp_transport: RtspTransport | null;
  enabled: number;
  source: 'config' | 'api';
  removed_at: string | null;
  version: number;
  updated_at: string;
}

export type CameraRow = CatalogCamera & { removedAt: string | null };

const toCamera = (r: Row): CameraRow => ({
  id: r.id,
  name: r.name,
  siteId: r.site_id,
  enterpriseId: r.enterprise_id,
  url: r.url,
  recordUrl: r.record_url,
  rtspTransport: r.rtsp_transport,
  enabled: r.enabled === 1,
  source: r.source,
  version: r.version,
  updatedAt: r.updated_at,
  removedAt: r.removed_at,
});

/** The `cameras` table (migration 110): every camera the catalog ever held, removed ones marked. */
export class CamerasRepo {
  constructor(private readonly db: Db) {}

  /** All rows, removed ones included (the seed reads them; the catalog keeps the others). */
  all(): CameraRow[] {
    return (this.db.prepare('SELECT * FROM cameras ORDER BY id').all() as Row[]).map(toCamera);
  }

  get(id: string): CameraRow | undefined {
    const r = this.db.prepare('SELECT * FROM cameras WHERE id = ?').get(id) as Row | undefined;
    return r ? toCamera(r) : undefined;
  }

  /** Inserts or replaces a camera's row whole (a removed one comes back); returns the stored row. */
  put(c: Omit<CatalogCamera, 'version'>, by: string | null): CameraRow {
    this.db
      .prepare(
        `INSERT INTO cameras (id, enterprise_id, site_id, name, url, record_url, rtsp_transport, enabled,
           source, removed_at, version, updated_at, updated_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 1, ?, ?)
         ON CONFLICT(id) DO UPDATE SET enterprise_id = excluded.enterprise_id, site_id = excluded.site_id,
           name = excluded.name, url = excluded.url, record_url = excluded.record_url,
           rtsp_transport = excluded.rtsp_transport, enabled = excluded.enabled, source = excluded.source,
           removed_at = NULL, version = cameras.version + 1, updated_at = excluded.updated_at,
           updated_by = excluded.updated_by`,
      )
      .run(
        c.id,
        c.enterpriseId,
        c.siteId,
        c.name,
        c.url,
        c.recordUrl,
        c.rtspTransport,
        c.enabled ? 1 : 0,
        c.source,
        c.updatedAt,
        by,
      );
    return this.get(c.id)!;
  }

  /** Marks a camera removed (by the admin: source becomes 'api', so the config does not seed it back). */
  markRemoved(id: string, at: string, by: string): void {
    this.db
      .prepare(
        `UPDATE cameras SET removed_at = ?, source = 'api', version = version + 1, updated_at = ?, updated_by = ?
         WHERE id = ?`,
      )
      .run(at, at, by, id);
  }

  /** A config camera no longer in the config: gone (nothing of the admin's is lost). */
  delete(id: string): void {
    this.db.prepare('DELETE FROM cameras WHERE id = ?').run(id);
  }
}
