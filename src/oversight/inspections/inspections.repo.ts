import type { Db } from '../../platform/store/db.ts';
import type { Stage } from '../hazards/hazard.machine.ts';

export interface Inspection {
  id: number;
  enterpriseId: string;
  inspectors: string[];
  inspectedAt: string;
  stage: Stage;
  checkingUnit: string;
  penaltyText: string | null;
  /** the fine in whole yuan (exact); screens and forms show it in 万元 */
  penaltyYuan: number;
  supervised: boolean;
  supervisingUnit: string | null;
  note: string | null;
  createdBy: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export type InspectionFields = Pick<
  Inspection,
  | 'inspectors'
  | 'inspectedAt'
  | 'stage'
  | 'checkingUnit'
  | 'penaltyText'
  | 'penaltyYuan'
  | 'supervised'
  | 'supervisingUnit'
  | 'note'
>;

const SELECT = `SELECT id, enterprise_id AS enterpriseId, inspectors_json AS inspectorsJson,
  inspected_at AS inspectedAt, stage, checking_unit AS checkingUnit, penalty_text AS penaltyText,
  penalty_yuan AS penaltyYuan, supervised, supervising_unit AS supervisingUnit, note,
  created_by AS createdBy, created_at AS createdAt, updated_at AS updatedAt, version FROM inspections`;

type Row = Omit<Inspection, 'inspectors' | 'supervised'> & { inspectorsJson: string; supervised: number };
const toInspection = ({ inspectorsJson, supervised, ...r }: Row): Inspection => ({
  ...r,
  inspectors: JSON.parse(inspectorsJson) as string[],
  supervised: supervised === 1,
});

const params = (f: InspectionFields) => ({
  inspectorsJson: JSON.stringify(f.inspectors),
  inspectedAt: f.inspectedAt,
  stage: f.stage,
  checkingUnit: f.checkingUnit,
  penaltyText: f.penaltyText,
  penaltyYuan: f.penaltyYuan,
  supervised: f.supervised ? 1 : 0,
  supervisingUnit: f.supervisingUnit,
  note: f.note,
});

/** 执法检查 records and the hazards registered as their findings (migration 070). */
export class InspectionsRepo {
  constructor(private readonly db: Db) {}

  insert(enterpriseId: string, f: InspectionFields, createdBy: number, now: string): number {
    const r = this.db
      .prepare(
        `INSERT INTO inspections (enterprise_id, inspectors_json, inspected_at, stage, checking_unit,
           penalty_text, penalty_yuan, supervised, supervising_unit, note, created_by, created_at, updated_at)
         VALUES (@enterpriseId, @inspectorsJson, @inspectedAt, @stage, @checkingUnit, @penaltyText,
           @penaltyYuan, @supervised, @supervisingUnit, @note, @createdBy, @now, @now) RETURNING id`,
      )
      .get({ ...params(f), enterpriseId, createdBy, now }) as { id: number };
    return r.id;
  }

  /** Optimistic: false when someone changed the record since `version` was read. */
  update(id: number, version: number, f: InspectionFields, now: string): boolean {
    return (
      this.db
        .prepare(
          `UPDATE inspections SET inspectors_json = @inspectorsJson, inspected_at = @inspectedAt,
             stage = @stage, checking_unit = @checkingUnit, penalty_text = @penaltyText,
             penalty_yuan = @penaltyYuan, supervised = @supervised, supervising_unit = @supervisingUnit,
             note = @note, updated_at = @now, version = version + 1
           WHERE id = @id AND version = @version`,
        )
        .run({ ...params(f), id, version, now }).changes === 1
    );
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM inspections WHERE id = ?').run(id);
  }

  get(id: number): Inspection | undefined {
    const r = this.db.prepare(`${SELECT} WHERE id = ?`).get(id) as Row | undefined;
    return r ? toInspection(r) : undefined;
  }

  /** Newest first; `total` counts every match for paging. */
  list(
    enterpriseIds: readonly string[],
    limit: number,
    offset: number,
  ): { items: Inspection[]; total: number } {
    if (enterpriseIds.length === 0) return { items: [], total: 0 };
    const inList = `enterprise_id IN (${enterpriseIds.map(() => '?').join(', ')})`;
    const rows = this.db
      .prepare(`${SELECT} WHERE ${inList} ORDER BY inspected_at DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...enterpriseIds, limit, offset) as Row[];
    const { n } = this.db
      .prepare(`SELECT COUNT(*) AS n FROM inspections WHERE ${inList}`)
      .get(...enterpriseIds) as { n: number };
    return { items: rows.map(toInspection), total: n };
  }

  addFinding(inspectionId: number, hazardId: number): void {
    this.db
      .prepare('INSERT INTO inspection_findings (inspection_id, hazard_id) VALUES (?, ?)')
      .run(inspectionId, hazardId);
  }

  findingIds(inspectionId: number): number[] {
    return (
      this.db
        .prepare('SELECT hazard_id AS id FROM inspection_findings WHERE inspection_id = ? ORDER BY hazard_id')
        .all(inspectionId) as { id: number }[]
    ).map((r) => r.id);
  }

  /** Inspections with a fine in [from, to) on these enterprises (the weekly table's 行政处罚 columns). */
  withPenaltyBetween(enterpriseIds: readonly string[], from: string, to: string): Inspection[] {
    if (enterpriseIds.length === 0) return [];
    const rows = this.db
      .prepare(
        `${SELECT} WHERE enterprise_id IN (${enterpriseIds.map(() => '?').join(', ')})
         AND penalty_yuan > 0 AND inspected_at >= ? AND inspected_at < ? ORDER BY inspected_at, id`,
      )
      .all(...enterpriseIds, from, to) as Row[];
    return rows.map(toInspection);
  }

  /** The inspection a hazard was found in, if it was. */
  byHazard(hazardId: number): Inspection | undefined {
    const r = this.db
      .prepare(`${SELECT} WHERE id = (SELECT inspection_id FROM inspection_findings WHERE hazard_id = ?)`)
      .get(hazardId) as Row | undefined;
    return r ? toInspection(r) : undefined;
  }
}
