import type { EnforcementPort } from '../reports/forms/form-source.ts';
import type { Inspection } from './inspections.repo.ts';

/** What the forms read of 执法检查 records (a narrow port: the SQLite `InspectionsRepo` satisfies it
 * unchanged; the county hub serves a region's projected records from memory). */
export type EnforcementInspection = Pick<
  Inspection,
  'enterpriseId' | 'stage' | 'inspectedAt' | 'penaltyYuan' | 'penaltyText' | 'supervised' | 'supervisingUnit'
>;
export interface InspectionSource {
  byHazard(hazardId: number): EnforcementInspection | undefined;
  withPenaltyBetween(enterpriseIds: readonly string[], from: string, to: string): EnforcementInspection[];
}

/**
 * The annex forms' 挂牌督办 and 行政处罚, from the regulators' 执法检查 records: a hazard found in an
 * inspection shows that inspection's 督办单位 and penalty; the weekly table counts each inspection's
 * fine once (it belongs to the inspection, not to each finding). Hazards no inspection found keep what
 * their own columns say (`fallback`).
 */
export function inspectionsEnforcement(repo: InspectionSource, fallback: EnforcementPort): EnforcementPort {
  return {
    forHazard(h) {
      const i = repo.byHazard(h.id);
      if (!i) return fallback.forHazard(h);
      return {
        supervisingUnit: i.supervised ? i.supervisingUnit : null,
        penaltyYuan: i.penaltyYuan,
        penaltyNote: i.penaltyText,
      };
    },
    penalties(enterpriseIds, from, to) {
      return [
        ...fallback.penalties(enterpriseIds, from, to),
        ...repo.withPenaltyBetween(enterpriseIds, from, to).map((i) => ({
          enterpriseId: i.enterpriseId,
          stage: i.stage,
          at: i.inspectedAt,
          yuan: i.penaltyYuan,
        })),
      ];
    },
  };
}
