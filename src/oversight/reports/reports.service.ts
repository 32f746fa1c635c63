import type { EventLogRepo } from '../audit/event-log.repo.ts';
import type { PermitAuditService } from '../audit/permit-audit.ts';
import { isOpen, STAGE_NAMES, type Stage } from '../hazards/hazard.machine.ts';

/** The 检查环节 the weekly table (附件1) has columns for, in its order. */
const STAGES = ['self_check', 'county_check', 'cross_check'] as const satisfies readonly Stage[];
import type { HazardsService } from '../hazards/hazards.service.ts';
import type { Hazard } from '../hazards/hazards.repo.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { iso } from '../../platform/shared/clock.ts';
import type { TenancyRepo } from '../../platform/tenancy/tenancy.repo.ts';
import type { ReportsConfig } from './config.schema.ts';
import { riskGrade, type RiskGrade, type RiskInputs } from './risk-grade.ts';
import type { Cell, ReportTable } from './table.ts';
import { hazardTypeName } from '../hazards/hazard-types.ts';

export const STAGE_ZH = Object.fromEntries(
  Object.entries(STAGE_NAMES).map(([code, n]) => [code, n.zh]),
) as Record<Stage, string>;
const LEVEL_ZH = { general: '一般隐患', major: '重大隐患' } as const;
const STATE_ZH: Record<Hazard['state'], string> = {
  registered: '已登记',
  assessed: '已评估',
  dispatched: '整改中',
  rectified: '待复核',
  verified: '已整改',
  closed: '已销号',
};
const VIOLATION_EVENTS = ['violation.started', 'machine.violationDetected', 'lock.violationDetected'];

export interface WeeklyRow {
  enterpriseId: string;
  enterprise: string;
  county: string;
  byStage: Record<
    Stage,
    { generalFound: number; generalRectified: number; majorFound: number; majorRectified: number }
  >;
  penalties: number;
  penaltyYuan: number;
}

export interface EnterpriseRisk extends RiskGrade {
  enterpriseId: string;
  enterprise: string;
  inputs: RiskInputs;
}

/** Regulator forms (notice 2024-354 annexes) and the enterprise risk grade, all computed from the data. */
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

  /**
   * 周调度表: per enterprise and check stage, hazards found in [from, to) by level (an unassessed
   * hazard counts as general) and hazards rectified in [from, to) (review passed, 复核通过); penalties
   * are the hazards found in the window with a penalty, and their sum.
   */
  weekly(enterpriseIds: readonly string[], from: string, to: string): WeeklyRow[] {
    const names = this.names();
    const repo = this.hazards.repo;
    const found = repo.list({ enterpriseIds: [...enterpriseIds], from, to });
    const rectified = repo
      .transitionsInWindow([...enterpriseIds], 'verified', from, to)
      .map((t) => repo.get(t.hazardId)!)
      .filter(Boolean);
    return [...enterpriseIds].sort().map((id) => {
      const byStage = Object.fromEntries(
        STAGES.map((s) => [s, { generalFound: 0, generalRectified: 0, majorFound: 0, majorRectified: 0 }]),
      ) as WeeklyRow['byStage'];
      for (const h of found.filter((x) => x.enterpriseId === id))
        byStage[h.stage][h.level === 'major' ? 'majorFound' : 'generalFound']++;
      for (const h of rectified.filter((x) => x.enterpriseId === id))
        byStage[h.stage][h.level === 'major' ? 'majorRectified' : 'generalRectified']++;
      const fined = found.filter((x) => x.enterpriseId === id && x.penaltyYuan > 0);
      return {
        enterpriseId: id,
        enterprise: names.get(id)?.name ?? id,
        county: names.get(id)?.county ?? '',
        byStage,
        penalties: fined.length,
        penaltyYuan: fined.reduce((s, h) => s + h.penaltyYuan, 0),
      };
    });
  }

  weeklyTable(enterpriseIds: readonly string[], from: string, to: string): ReportTable {
    const rows = this.weekly(enterpriseIds, from, to);
    const cells = (r: Omit<WeeklyRow, 'enterpriseId'>): Cell[] => [
      r.enterprise,
      r.county,
      ...STAGES.flatMap((s) => {
        const b = r.byStage[s];
        return [b.generalFound, b.generalRectified, b.majorFound, b.majorRectified];
      }),
      r.penalties,
      r.penaltyYuan,
    ];
    const total = rows.reduce<Omit<WeeklyRow, 'enterpriseId'>>(
      (acc, r) => {
        for (const s of STAGES)
          for (const k of Object.keys(acc.byStage[s]) as (keyof WeeklyRow['byStage'][Stage])[])
            acc.byStage[s][k] += r.byStage[s][k];
        acc.penalties += r.penalties;
        acc.penaltyYuan += r.penaltyYuan;
        return acc;
      },
      {
        enterprise: '合计',
        county: '',
        byStage: Object.fromEntries(
          STAGES.map((s) => [s, { generalFound: 0, generalRectified: 0, majorFound: 0, majorRectified: 0 }]),
        ) as WeeklyRow['byStage'],
        penalties: 0,
        penaltyYuan: 0,
      },
    );
    return {
      title: `安全生产隐患排查整治周调度表（${from.slice(0, 10)} 至 ${to.slice(0, 10)}）`,
      sheetName: '周调度表',
      groups: [['', 2], ...STAGES.map((s): [string, number] => [STAGE_ZH[s], 4]), ['行政处罚', 2]],
      headers: [
        '企业名称',
        '所属县区',
        ...STAGES.flatMap((s) =>
          ['一般隐患发现', '一般隐患整改', '重大隐患发现', '重大隐患整改'].map((h) => `${STAGE_ZH[s]}-${h}`),
        ),
        '处罚次数',
        '处罚金额（元）',
      ],
      rows: [...rows.map(cells), cells(total)],
      notes: ['发现：本周登记的隐患（未评估的计为一般隐患）；整改：本周复核通过的隐患。'],
    };
  }

  /** 重大事故隐患台账: every major hazard found in the window, or found earlier and still open. */
  majorLedger(enterpriseIds: readonly string[], from: string, to: string): ReportTable {
    const names = this.names();
    const all = this.hazards.repo.list({ enterpriseIds: [...enterpriseIds], level: 'major', to });
    const rows = all.filter((h) => h.foundAt >= from || isOpen(h.state));
    return {
      title: `重大事故隐患台账（截至 ${to.slice(0, 10)}）`,
      sheetName: '重大事故隐患台账',
      headers: [
        '序号',
        '企业名称',
        '所属县区',
        '行业类别',
        '检查阶段',
        '检查人员',
        '检查时间',
        '隐患详情',
        '整改措施',
        '责任人',
        '整改资金（元）',
        '整改时限',
        '应急预案',
        '督办单位',
        '处罚情况',
        '整改状态',
      ],
      rows: rows.map((h, i) => {
        const e = names.get(h.enterpriseId);
        return [
          i + 1,
          e?.name ?? h.enterpriseId,
          e?.county ?? '',
          e?.industry ?? '',
          STAGE_ZH[h.stage],
          h.checker,
          h.foundAt,
          h.description,
          h.five?.measures ?? null,
          h.five?.responsiblePerson ?? null,
          h.five?.funds ?? null,
          h.five?.deadline ?? h.deadline,
          h.five?.contingencyPlan ?? null,
          h.supervisingUnit,
          h.penaltyYuan > 0 ? `罚款 ${h.penaltyYuan} 元${h.penaltyNote ? `（${h.penaltyNote}）` : ''}` : '无',
          STATE_ZH[h.state],
        ];
      }),
    };
  }

  /** 检查问题隐患清单: hazards found in the window with description, on-site evidence, basis and type. */
  hazardList(enterpriseIds: readonly string[], from: string, to: string): ReportTable {
    const names = this.names();
    const list = this.hazards.repo.list({ enterpriseIds: [...enterpriseIds], from, to });
    return {
      title: `检查问题隐患清单（${from.slice(0, 10)} 至 ${to.slice(0, 10)}）`,
      sheetName: '检查问题隐患清单',
      headers: [
        '序号',
        '企业名称',
        '隐患描述',
        '现场证据',
        '检查依据',
        '隐患类型',
        '隐患等级',
        '检查阶段',
        '整改状态',
      ],
      rows: list.map((h, i) => {
        const photos = this.hazards.repo.photos(h.id).filter((p) => p.kind === 'before');
        const evidence = [
          ...photos.map((p) => `照片 ${p.path} (sha256 ${p.sha256.slice(0, 16)}…)`),
          ...(h.violationId ? [`AI 违章记录 #${h.violationId}`] : []),
        ];
        return [
          i + 1,
          names.get(h.enterpriseId)?.name ?? h.enterpriseId,
          h.description + (h.location ? `（${h.location}）` : ''),
          evidence.join('\n') || null,
          h.basis,
          hazardTypeName(h.hazardType).zh,
          h.level ? LEVEL_ZH[h.level] : '待评估',
          STAGE_ZH[h.stage],
          STATE_ZH[h.state],
        ];
      }),
    };
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
