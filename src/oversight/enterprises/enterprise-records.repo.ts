import type { Db } from '../../platform/store/db.ts';
import type { Grade } from '../reports/risk-grade.ts';
import type { ContactRole, GasAreaClass, IndustryClass, Scale } from './classification.ts';

export interface ConfinedSpace {
  name: string;
  location: string;
  /** 介质, e.g. 煤气、氮气 */
  medium: string;
  hazards: string[];
}
export interface GasArea {
  name: string;
  location: string;
  level: GasAreaClass;
}
export interface Contact {
  name: string;
  role: ContactRole;
  phone: string;
}

/** What the enterprise admin edits (every field of the record but its bookkeeping). */
export interface RecordFields {
  creditCode: string | null;
  address: string | null;
  industryClass: IndustryClass | null;
  scale: Scale | null;
  aboveDesignatedSize: boolean | null;
  mainHazards: string[];
  confinedSpaces: ConfinedSpace[];
  gasAreas: GasArea[];
  contacts: Contact[];
}

export interface StoredRecord extends RecordFields {
  enterpriseId: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export interface GradeOverride {
  id: number;
  enterpriseId: string;
  computedGrade: Grade;
  grade: Grade | null;
  reason: string;
  byUserId: number;
  by: string;
  at: string;
}

interface RecordRow {
  enterprise_id: string;
  credit_code: string | null;
  address: string | null;
  industry_class: IndustryClass | null;
  scale: Scale | null;
  above_designated_size: number | null;
  main_hazards: string;
  confined_spaces: string;
  gas_areas: string;
  contacts: string;
  version: number;
  updated_at: string;
  updated_by: string;
}

const OVERRIDE_COLUMNS = `id, enterprise_id AS enterpriseId, computed_grade AS computedGrade, grade, reason,
  by_user_id AS byUserId, by_name AS by, at`;

/** SQL of the enterprise record (一企一档) and of the regulators' grade overrides. */
export class EnterpriseRecordsRepo {
  constructor(private readonly db: Db) {}

  get(enterpriseId: string): StoredRecord | null {
    const r = this.db
      .prepare('SELECT * FROM enterprise_records WHERE enterprise_id = ?')
      .get(enterpriseId) as RecordRow | undefined;
    if (!r) return null;
    return {
      enterpriseId: r.enterprise_id,
      creditCode: r.credit_code,
      address: r.address,
      industryClass: r.industry_class,
      scale: r.scale,
      aboveDesignatedSize: r.above_designated_size === null ? null : r.above_designated_size === 1,
      mainHazards: JSON.parse(r.main_hazards) as string[],
      confinedSpaces: JSON.parse(r.confined_spaces) as ConfinedSpace[],
      gasAreas: JSON.parse(r.gas_areas) as GasArea[],
      contacts: JSON.parse(r.contacts) as Contact[],
      version: r.version,
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    };
  }

  /** Writes the whole record (insert or replace), version as given. */
  put(rec: StoredRecord): void {
    this.db
      .prepare(
        `INSERT INTO enterprise_records (enterprise_id, credit_code, address, industry_class, scale,
           above_designated_size, main_hazards, confined_spaces, gas_areas, contacts, version, updated_at, updated_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(enterprise_id) DO UPDATE SET credit_code = excluded.credit_code,
           address = excluded.address, industry_class = excluded.industry_class, scale = excluded.scale,
           above_designated_size = excluded.above_designated_size, main_hazards = excluded.main_hazards,
           confined_spaces = excluded.confined_spaces, gas_areas = excluded.gas_areas,
           contacts = excluded.contacts, version = excluded.version, updated_at = excluded.updated_at,
           updated_by = excluded.updated_by`,
      )
      .run(
        rec.enterpriseId,
        rec.creditCode,
        rec.address,
        rec.industryClass,
        rec.scale,
        rec.aboveDesignatedSize === null ? null : rec.aboveDesignatedSize ? 1 : 0,
        JSON.stringify(rec.mainHazards),
        JSON.stringify(rec.confinedSpaces),
        JSON.stringify(rec.gasAreas),
        JSON.stringify(rec.contacts),
        rec.version,
        rec.updatedAt,
        rec.updatedBy,
      );
  }

  addOverride(o: Omit<GradeOverride, 'id'>): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO enterprise_grade_overrides (enterprise_id, computed_grade, grade, reason, by_user_id, by_name, at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(o.enterpriseId, o.computedGrade, o.grade, o.reason, o.byUserId, o.by, o.at).lastInsertRowid,
    );
  }

  /** Every override of the enterprise, newest first. */
  overrides(enterpriseId: string): GradeOverride[] {
    return this.db
      .prepare(
        `SELECT ${OVERRIDE_COLUMNS} FROM enterprise_grade_overrides WHERE enterprise_id = ? ORDER BY id DESC`,
      )
      .all(enterpriseId) as GradeOverride[];
  }
}
