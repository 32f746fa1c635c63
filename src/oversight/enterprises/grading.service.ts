import type { Principal } from '../../platform/auth/principal.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { iso } from '../../platform/shared/clock.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';
import { dayAsUtcDate, localDay } from '../../work/certificates/certificate-dates.ts';
import type { PermitAuditService } from '../audit/permit-audit.ts';
import { isOpen } from '../hazards/hazard.machine.ts';
import type { HazardsRepo } from '../hazards/hazards.repo.ts';
import type { ReportsConfig } from '../reports/config.schema.ts';
import type { ReportsService } from '../reports/reports.service.ts';
import { GRADE_COLOR, type Grade } from '../reports/risk-grade.ts';
import type { FileCell, ReportTable } from '../reports/table.ts';
import { INDUSTRY_CLASSES, scaleText } from './classification.ts';
import type { EnterpriseRecordsService } from './enterprise-records.service.ts';
import type { GradeOverride } from './enterprise-records.repo.ts';
import { computeGrade, type ComputedGrade, type GradingFacts } from './grading.ts';

export interface EnterpriseGrade {
  enterpriseId: string;
  enterprise: string;
  facts: GradingFacts;
  computed: ComputedGrade;
  /** the regulator's current override (null: none, or the last one was withdrawn) */
  override: GradeOverride | null;
  /** 监管等级: the override's grade, else the computed one */
  grade: Grade;
  colorZh: string;
  color: string;
  history: GradeOverride[];
}

/**
 * 分级分类: the computed grade (grading.ts over the facts counted here), the regulators' overrides
 * with their history, and the 分级分类台账.
 */
export class GradingService {
  constructor(
    private readonly records: EnterpriseRecordsService,
    private readonly reports: ReportsService,
    private readonly hazards: HazardsRepo,
    private readonly permitAudit: PermitAuditService,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly config: ReportsConfig,
    private readonly utcOffsetMinutes: number,
  ) {}

  /** The facts over the risk grade's window (`reports.riskGrade.windowDays`), counted from the data. */
  private facts(enterpriseId: string, risk: { violations: number }): GradingFacts {
    const now = this.clock.now();
    const from = now - this.config.riskGrade.windowDays * 86_400_000;
    const hazards = this.hazards.list({ enterpriseIds: [enterpriseId] });
    const open = hazards.filter((h) => isOpen(h.state));
    const overdue = open.filter(
      (h) => h.state === 'dispatched' && h.deadline !== null && Date.parse(h.deadline) < now,
    );
    const audit = this.permitAudit.audit([enterpriseId], from, now).summary;
    return {
      overdueMajor: overdue.filter((h) => h.level === 'major').length,
      openMajor: open.filter((h) => h.level === 'major').length,
      overdueGeneral: overdue.filter((h) => h.level !== 'major').length,
      openGeneral: open.filter((h) => h.level !== 'major').length,
      unwatchedMs: Math.max(0, audit.workMs - audit.monitoredMs),
      workMs: audit.workMs,
      violations: risk.violations,
      penalties: hazards.filter((h) => h.penaltyYuan > 0 && Date.parse(h.foundAt) >= from).length,
    };
  }

  /** The grades of enterprises the caller already scoped. */
  gradesOf(enterpriseIds: readonly string[]): EnterpriseGrade[] {
    return this.reports.riskGrades(enterpriseIds).map((risk) => {
      const facts = this.facts(risk.enterpriseId, risk.inputs);
      const computed = computeGrade(facts, risk);
      const history = this.records.repo.overrides(risk.enterpriseId);
      const override = history[0]?.grade ? history[0] : null;
      const grade = override?.grade ?? computed.grade;
      return {
        enterpriseId: risk.enterpriseId,
        enterprise: risk.enterprise,
        facts,
        computed,
        override,
        grade,
        colorZh: GRADE_COLOR[grade].zh,
        color: GRADE_COLOR[grade].en,
        history,
      };
    });
  }

  gradeOf(scope: EnterpriseScope, enterpriseId: string): EnterpriseGrade {
    scope.assert(enterpriseId);
    return this.gradesOf([enterpriseId])[0]!;
  }

  /**
   * A regulator sets the 监管等级 (grade) or withdraws its override (grade null), with a reason; the
   * row stays in the history. The route lets only regulators in; scope keeps them to their region.
   */
  override(p: Principal, scope: EnterpriseScope, enterpriseId: string, grade: Grade | null, reason: string) {
    const current = this.gradeOf(scope, enterpriseId);
    const row = {
      enterpriseId,
      computedGrade: current.computed.grade,
      grade,
      reason: reason.trim(),
      byUserId: p.userId,
      by: p.username,
      at: iso(this.clock.now()),
    };
    this.bus.transaction(() => {
      this.records.repo.addOverride(row);
      this.bus.publish('enterprise.gradeOverridden', enterpriseId, row);
    });
    return this.gradeOf(scope, enterpriseId);
  }

  /** 分级分类台账 of the enterprises given (a region's, already scoped), one row each. */
  ledger(regionName: string, enterpriseIds: readonly string[]): ReportTable<FileCell> {
    const today = localDay(this.clock.now(), this.utcOffsetMinutes);
    const grades = this.gradesOf(enterpriseIds);
    return {
      title: `${regionName}工贸企业安全生产分级分类台账（${today}）`,
      sheetName: '分级分类台账',
      headers: [
        '序号',
        '企业名称',
        '统一社会信用代码',
        '所在市（县、区）',
        '行业类别',
        '规模',
        '计算等级',
        '监管等级',
        '调整理由',
        '调整时间',
      ],
      rows: grades.map((g, i) => {
        const r = this.records.recordOf(g.enterpriseId);
        const o = g.override;
        return [
          i + 1,
          r.name,
          r.creditCode,
          r.regionName,
          r.industryClass ? INDUSTRY_CLASSES[r.industryClass].zh : r.industry,
          scaleText(r.scale, r.aboveDesignatedSize) || null,
          `${g.computed.grade}（${GRADE_COLOR[g.computed.grade].zh}）`,
          `${g.grade}（${g.colorZh}）`,
          o?.reason ?? null,
          o ? dayAsUtcDate(localDay(Date.parse(o.at), this.utcOffsetMinutes)) : null,
        ];
      }),
      notes: [
        '计算等级：风险分值等级与判定条件取较重者（见 docs/enterprise-grading.md）；监管等级：监管部门调整后的等级，未调整时同计算等级。',
      ],
    };
  }
}
