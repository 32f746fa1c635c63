import type { EventLogRepo } from '../audit/event-log.repo.ts';
import type { PermitAuditService } from '../audit/permit-audit.ts';
import { isOpen } from '../hazards/hazard.machine.ts';
import type { HazardsService } from '../hazards/hazards.service.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { iso } from '../../platform/shared/clock.ts';
import type { TenancyRepo } from '../../platform/tenancy/tenancy.repo.ts';
import type { AnnexForm } from './annex-form.ts';
import type { ReportsConfig } from './config.schema.ts';
import {
  ANNEX_FORMS,
  hazardColumnsEnforcement,
  type AnnexFormName,
  type EnforcementPort,
  type FormContext,
  type FormRequest,
} from './forms/index.ts';
import { riskGrade, type RiskGrade, type RiskInputs } from './risk-grade.ts';

const VIOLATION_EVENTS = ['violation.started', 'machine.violationDetected', 'lock.violationDetected'];

export interface EnterpriseRisk extends RiskGrade {
  enterpriseId: string;
  enterprise: string;
  inputs: RiskInputs;
}

/** The annex forms of the 泽州 notice (附件1/2/4/5) and the enterprise risk grade, all computed from the data. */
export class ReportsService {
  constructor(
    private readonly hazards: HazardsService,
    private readonly permitAudit: PermitAuditService,
    private readonly log: EventLogRepo,
    private readonly tenancy: TenancyRepo,
    private readonly clock: Clock,
    private readonly config: ReportsConfig,
    /** county / city names (config.regions) */
    private readonly regions: readonly { id: string; name: string }[],
    /** where hazard photos are stored, and the forms' time zone (Asia/Shanghai: 480) */
    private readonly forms: { dataDir: string; utcOffsetMinutes: number },
    /** 挂牌督办 and 行政处罚; by default the hazards table's own columns */
    private readonly enforcement: EnforcementPort = hazardColumnsEnforcement(hazards.repo),
  ) {}

  private names() {
    const regions = new Map(this.regions.map((r) => [r.id, r.name]));
    return new Map(
      this.tenancy
        .enterprises()
        .map((e) => [
          e.id,
          { name: e.name, county: regions.get(e.regionId) ?? e.regionId, industry: e.industry },
        ]),
    );
  }

  /** What the annex forms are built from, now. */
  formContext(): FormContext {
    return {
      hazards: this.hazards.repo,
      enforcement: this.enforcement,
      enterprises: this.tenancy.enterprises(),
      regions: this.regions,
      dataDir: this.forms.dataDir,
      utcOffsetMinutes: this.forms.utcOffsetMinutes,
      now: this.clock.now(),
    };
  }

  /** One annex form (附件1/2/4/5) over [from, to) for these enterprises, filed by `unit`. */
  form(name: AnnexFormName, req: FormRequest): AnnexForm {
    return ANNEX_FORMS[name].build(this.formContext(), req);
  }

  /** The enterprises of a region and of the regions below it (config.regions nest); null for an unknown one. */
  enterprisesInRegion(regionId: string): { name: string; enterpriseIds: string[] } | null {
    const r = this.regions.find((x) => x.id === regionId);
    return r ? { name: r.name, enterpriseIds: this.tenancy.enterpriseIdsInRegion(regionId) } : null;
  }

  /** The 填报单位 printed by default: the region's name, or the enterprise's. */
  unitName(ids: { regionId?: string; enterpriseId?: string }): string {
    if (ids.regionId) return this.regions.find((r) => r.id === ids.regionId)?.name ?? ids.regionId;
    const e = this.tenancy.enterprises().find((x) => x.id === ids.enterpriseId);
    return e?.name ?? ids.enterpriseId ?? '';
  }

  /** Risk grade A/B/C/D per enterprise now, over the last `windowDays`. */
  riskGrades(enterpriseIds: readonly string[]): EnterpriseRisk[] {
    const cfg = this.config.riskGrade;
    const now = this.clock.now();
    const from = now - cfg.windowDays * 86_400_000;
    const names = this.names();
    return [...enterpriseIds].sort().map((id) => {
      const open = this.hazards.repo.list({ enterpriseIds: [id] }).filter((h) => isOpen(h.state));
      const violations = this.log.between({
        types: VIOLATION_EVENTS,
        from: iso(from),
        to: iso(now + 1),
        enterpriseIds: [id],
      }).length;
      const inputs: RiskInputs = {
        openMajor: open.filter((h) => h.level === 'major').length,
        openGeneral: open.filter((h) => h.level !== 'major').length,
        overdue: open.filter(
          (h) => h.state === 'dispatched' && h.deadline !== null && Date.parse(h.deadline) < now,
        ).length,
        violations,
        coveragePct: this.permitAudit.audit([id], from, now).summary.coveragePct,
      };
      return { enterpriseId: id, enterprise: names.get(id)?.name ?? id, inputs, ...riskGrade(inputs, cfg) };
    });
  }
}
