import type { Db } from '../store/db.ts';
import type { Config } from '../../config/schema.ts';

export interface EnterpriseRow {
  id: string;
  name: string;
  regionId: string;
  industry: string;
}

export interface RegionRow {
  id: string;
  name: string;
  parentId: string | null;
}

export class TenancyRepo {
  constructor(private readonly db: Db) {}

  /** Mirrors regions, enterprises and sites from the config (the config is the source of truth). */
  syncFromConfig(cfg: Config): void {
    this.db.transaction(() => {
      const r = this.db.prepare(
        `INSERT INTO regions (id, name, parent_id) VALUES (?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id`,
      );
      for (const x of cfg.regions) r.run(x.id, x.name, x.parent ?? null);
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

  regions(): RegionRow[] {
    return this.db
      .prepare('SELECT id, name, parent_id AS parentId FROM regions ORDER BY id')
      .all() as RegionRow[];
  }

  /** The region and every region below it (its 县 and their 镇); empty for an unknown region. */
  regionIdsWithin(regionId: string): string[] {
    return (
      this.db
        .prepare(
          // UNION (not UNION ALL) stops at a region already seen, so even a cyclic table ends
          `WITH RECURSIVE below(id) AS (
             SELECT id FROM regions WHERE id = ?
             UNION SELECT r.id FROM regions r JOIN below b ON r.parent_id = b.id)
           SELECT id FROM below ORDER BY id`,
        )
        .all(regionId) as { id: string }[]
    ).map((r) => r.id);
  }

  /** Enterprises of the region and of every region nested below it: a 市's regulator sees its 县 and 镇. */
  enterpriseIdsInRegion(regionId: string): string[] {
    return (
      this.db
        .prepare(
          `WITH RECURSIVE below(id) AS (
             SELECT id FROM regions WHERE id = ?
             UNION SELECT r.id FROM regions r JOIN below b ON r.parent_id = b.id)
           SELECT e.id FROM enterprises e JOIN below b ON e.region_id = b.id ORDER BY e.id`,
        )
        .all(regionId) as { id: string }[]
    ).map((r) => r.id);
  }
}
