import type { Grade } from '../reports/risk-grade.ts';

/** Domain events of the enterprise record and its grade (listed in DomainEventMap). */
export interface EnterpriseEventMap {
  /** the enterprise admin saved the record: which fields changed (names, not values) */
  'enterprise.recordUpdated': {
    enterpriseId: string;
    changes: string[];
    version: number;
    byUserId: number;
    by: string;
  };
  /** a regulator set (grade) or withdrew (grade null) the enterprise's 监管等级 */
  'enterprise.gradeOverridden': {
    enterpriseId: string;
    computedGrade: Grade;
    grade: Grade | null;
    reason: string;
    byUserId: number;
    by: string;
  };
}
