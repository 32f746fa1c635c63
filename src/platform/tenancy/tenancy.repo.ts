import type { Db } from '../store/db.ts';
import type { Config } from '../../config/schema.ts';

export interface EnterpriseRow {
  id: string;
  name: string;
  regionId: string;
  industry: string;
}

export class TenancyRepo {
  constructor(private readonly db: Db) {}

  /** Mirrors regions, enterprises and sites from the config (the config is the source of truth). */
  syncFromConfig(cfg: Config): void {
    this.db.transaction(() => {
      const r = this.db.prepare(
        'INSERT INTO regions (id, name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name',
      );
      for (const x of cfg.regions) r.run(x.id, x.name);
      const e = this.db.prepare(
        `INSERT INTO enterprises (id, name, region_id, industry) VALUES (?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, region_id = excluded.region_id, industry = excluded.industry`,
      );
      for (const x of cfg.enterprises) e.run(x.id, x.name, x.regionId, x.industry);
      const s = this.db.prepare(
        `INSERT INTO sites (id, name, enterprise_id) VALUES (?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, enterprise_id = excluded.enterprise_id`,
      );
      for (const x of cfg.sites) s.run(x.id, x.name, x.enterpriseId);
    })();
  }

  enterprises(): EnterpriseRow[] {
    return this.db
      .prepare('SELECT id, name, region_id AS regionId, industry FROM enterprises ORDER BY id')
      .all() as EnterpriseRow[];
  }

  enterpriseIdsInRegion(regionId: string): string[] {
    return (
      this.db.prepare('SELECT id FROM enterprises WHERE region_id = ? ORDER BY id').all(regionId) as {
        id: string;
      }[]
    ).map((r) => r.id);
  }
}
