import type pg from 'pg';
import type { HazardLevel, HazardState, Stage } from '../../oversight/hazards/hazard.machine.ts';
import type { Hazard, HazardPhoto } from '../../oversight/hazards/hazards.repo.ts';
import type { EnforcementInspection } from '../../oversight/inspections/enforcement.ts';
import type { LoadedHazard } from '../../oversight/reports/forms/memory-source.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export type HubFormHazard = LoadedHazard & { boxId: string; boxHazardId: number; photoSha256: string | null };
export type HubInspectionRow = EnforcementInspection & { boxId: string; hazardIds: number[] };

/** A hub_hazards row as the forms' `Hazard` (columns a box did not ship read as empty). */
function toFormHazard(id: number, x: Record<string, unknown>): Hazard {
  const t = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id,
    enterpriseId: String(x.enterprise_id ?? ''),
    siteId: t(x.site_id),
    source: (t(x.source) ?? 'inspection') as Hazard['source'],
    violationId: t(x.violation_id),
    stage: (t(x.stage) ?? 'self_check') as Stage,
    checker: t(x.checker) ?? '',
    supervisingUnit: t(x.supervising_unit),
    description: String(x.description ?? ''),
    location: t(x.location),
    basis: t(x.basis),
    hazardType: t(x.hazard_type) ?? 'other',
    level: t(x.level) as HazardLevel | null,
    state: String(x.state) as HazardState,
    responsibleUserId: null,
    deadline: iso(x.deadline as Date | null),
    five: (x.five as Hazard['five']) ?? null,
    penaltyYuan: Number(x.penalty_yuan ?? 0),
    penaltyNote: t(x.penalty_note),
    foundAt: iso(x.found as Date)!,
    registeredBy: 0,
    rectifiedBy: null,
    rectifiedAt: iso(x.rectified_at as Date | null),
    verifiedBy: null,
    verifiedAt: iso(x.verified_at as Date | null),
    closedAt: iso(x.closed_at as Date | null),
    overdueLevel: 0,
    updatedAt: iso(x.updated_at as Date)!,
    version: 0,
  };
}

/** What the hub's annex forms read of a region (hub_hazards, their steps, hub_inspections). */
export class FormsReadRepo {
  constructor(private readonly db: pg.Pool) {}

  /**
   * What the annex forms read of a region's hazards found before `to` (a ledger is cumulative; the
   * weekly table looks up hazards verified in the range whenever found), with each step's time.
   * Ids are numbered per request (two boxes' hazard 1 are two hazards here); each row names its box.
   */
  async formHazards(enterpriseIds: string[], to: string): Promise<HubFormHazard[]> {
    const r = await this.db.query(
      `SELECT h.*, COALESCE(h.found_at, h.updated_at) AS found,
         (SELECT json_agg(json_build_object('toState', s.to_state, 'at', s.at) ORDER BY s.seq)
            FROM hub_hazard_steps s WHERE s.box_id = h.box_id AND s.hazard_id = h.hazard_id) AS steps
       FROM hub_hazards h
       WHERE h.enterprise_id = ANY($1) AND COALESCE(h.found_at, h.updated_at) < $2
       ORDER BY found, h.box_id, h.hazard_id LIMIT 100000`,
      [enterpriseIds, to],
    );
    return r.rows.map((x, i) => {
      const id = i + 1;
      const photos: HazardPhoto[] = Array.from({ length: Number(x.before_photos) }, (_, n) => ({
        id: n + 1,
        hazardId: id,
        kind: 'before',
        path: '',
        sha256: '',
        bytes: 0,
        mime: 'image/jpeg',
        at: iso(x.found)!,
      }));
      const steps = ((x.steps ?? []) as { toState: HazardState; at: string }[]).map((s) => ({
        toState: s.toState,
        at: new Date(s.at).toISOString(),
      }));
      return {
        boxId: x.box_id as string,
        boxHazardId: Number(x.hazard_id),
        photoSha256: (x.photo_sha256 as string | null) ?? null,
        hazard: toFormHazard(id, x),
        photos,
        steps,
      };
    });
  }

  /** The region's 执法检查 records with the (box) ids of the hazards each found. */
  async formInspections(enterpriseIds: string[]): Promise<HubInspectionRow[]> {
    const r = await this.db.query(
      `SELECT i.*, COALESCE((SELECT array_agg(f.hazard_id) FROM hub_inspection_findings f
         WHERE f.box_id = i.box_id AND f.inspection_id = i.inspection_id), '{}') AS hazard_ids
       FROM hub_inspections i WHERE i.enterprise_id = ANY($1) ORDER BY i.inspected_at, i.box_id, i.inspection_id`,
      [enterpriseIds],
    );
    return r.rows.map((x) => ({
      boxId: x.box_id as string,
      hazardIds: (x.hazard_ids as string[]).map(Number),
      enterpriseId: String(x.enterprise_id),
      inspectedAt: iso(x.inspected_at)!,
      stage: x.stage as Stage,
      penaltyYuan: Number(x.penalty_yuan),
      penaltyText: (x.penalty_text as string | null) ?? null,
      supervised: x.supervised === true,
      supervisingUnit: (x.supervising_unit as string | null) ?? null,
    }));
  }
}
