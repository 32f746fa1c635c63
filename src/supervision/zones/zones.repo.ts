import type { ZoneConfig } from './zone.schema.ts';
import type { Db } from '../../platform/store/db.ts';

export interface ZoneSet {
  cameraId: string;
  source: 'config' | 'api';
  version: number;
  updatedAt: string;
  updatedBy: string | null;
  zones: ZoneConfig[];
}

interface ZoneRow {
  id: string;
  name: string;
  kind: ZoneConfig['kind'];
  points: string;
}

export class ZonesRepo {
  constructor(private readonly db: Db) {}

  get(cameraId: string): ZoneSet | undefined {
    const set = this.db
      .prepare(
        'SELECT camera_id AS cameraId, source, version, updated_at AS updatedAt, updated_by AS updatedBy FROM zone_sets WHERE camera_id = ?',
      )
      .get(cameraId) as Omit<ZoneSet, 'zones'> | undefined;
    if (!set) return undefined;
    const rows = this.db
      .prepare('SELECT id, name, kind, points FROM zones WHERE camera_id = ? ORDER BY position')
      .all(cameraId) as ZoneRow[];
    return {
      ...set,
      zones: rows.map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind,
        points: JSON.parse(r.points) as ZoneConfig['points'],
      })),
    };
  }

  /** Replaces a camera's whole zone set (caller's transaction); returns the new version. */
  replace(
    cameraId: string,
    zones: ZoneConfig[],
    source: 'config' | 'api',
    at: string,
    by: string | null,
  ): number {
    const prev = this.db.prepare('SELECT version FROM zone_sets WHERE camera_id = ?').get(cameraId) as
      { version: number } | undefined;
    const version = (prev?.version ?? 0) + 1;
    this.db
      .prepare(
        `INSERT INTO zone_sets (camera_id, source, version, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(camera_id) DO UPDATE SET source = excluded.source, version = excluded.version,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(cameraId, source, version, at, by);
    this.db.prepare('DELETE FROM zones WHERE camera_id = ?').run(cameraId);
    const ins = this.db.prepare(
      'INSERT INTO zones (camera_id, id, name, kind, points, position) VALUES (?, ?, ?, ?, ?, ?)',
    );
    zones.forEach((z, i) => ins.run(cameraId, z.id, z.name, z.kind, JSON.stringify(z.points), i));
    return version;
  }
}
