import type { Principal } from '../../platform/auth/principal.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { iso } from '../../platform/shared/clock.ts';
import { defineError, Errors } from '../../platform/shared/errors.ts';
import type { Db } from '../../platform/store/db.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';
import type { Stage } from '../hazards/hazard.machine.ts';
import type { HazardsService } from '../hazards/hazards.service.ts';
import type { InspectionFacts } from './inspection.events.ts';
import { InspectionsRepo, type Inspection, type InspectionFields } from './inspections.repo.ts';

export const InspectionErrors = {
  notFound: defineError('JH_ERR_INSPECTION_NOT_FOUND', 404, '执法检查记录不存在。', 'No such inspection.'),
  regulatorOnly: defineError(
    'JH_ERR_INSPECTION_READ_ONLY',
    403,
    '执法检查记录由监管部门填写，企业只能查看。',
    'Inspections are recorded by the regulator; the enterprise can only read them.',
  ),
  badPenalty: defineError(
    'JH_ERR_INSPECTION_BAD_PENALTY',
    400,
    '罚款金额以万元计，最多精确到元（小数点后 4 位）。',
    'The fine is in 万元 (10,000 yuan), to the yuan at most (4 decimals).',
  ),
  supervisingUnitRequired: defineError(
    'JH_ERR_INSPECTION_SUPERVISING_UNIT',
    400,
    '挂牌督办须填写督办单位。',
    'A supervised (挂牌督办) case needs the supervising unit.',
  ),
  futureTime: defineError(
    'JH_ERR_INSPECTION_FUTURE',
    400,
    '检查时间不能晚于现在。',
    'The inspection time cannot be in the future.',
  ),
  hasFindings: defineError(
    'JH_ERR_INSPECTION_HAS_FINDINGS',
    409,
    '该检查已登记隐患，不能删除；请修改记录。',
    'This inspection has registered findings and cannot be deleted; edit it instead.',
  ),
};

/** The 检查环节 a regulator's inspection can be (the enterprise's own and public reports are not). */
export const INSPECTION_STAGES = ['county_check', 'cross_check', 'province_check'] as const;
export type InspectionStage = (typeof INSPECTION_STAGES)[number];

export interface InspectionInput {
  inspectors: string[];
  inspectedAt: string;
  stage: InspectionStage;
  checkingUnit: string;
  penaltyText?: string | null;
  /** 万元, decimal */
  penaltyWanYuan?: number;
  supervised?: boolean;
  supervisingUnit?: string | null;
  note?: string | null;
}

export interface FindingInput {
  description: string;
  hazardType: string;
  location?: string;
  basis?: string;
  siteId?: string;
  photos?: string[];
}

export interface InspectionView extends Omit<Inspection, 'penaltyYuan'> {
  penaltyWanYuan: number;
  findings: { id: number; description: string; hazardType: string; state: string; level: string | null }[];
}

/** What the annex ledger (src/oversight/reports) reads of the inspection a hazard was found in. */
export interface InspectionRef {
  inspectionId: number;
  checkingUnit: string;
  /** 挂牌督办单位, or null when the case is not supervised */
  supervisingUnit: string | null;
  penaltyText: string | null;
  penaltyWanYuan: number;
}

const toWanYuan = (yuan: number) => yuan / 10_000;

/**
 * 执法检查: regulators record inspections of their region's enterprises, with findings registered as
 * hazards in the enterprise's closed loop (stage = the inspection's 检查环节). The enterprise reads them
 * and works the hazards; it never edits the record. Every change is one transaction with its event.
 */
export class InspectionsService {
  readonly repo: InspectionsRepo;
  constructor(
    db: Db,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly hazards: HazardsService,
  ) {
    this.repo = new InspectionsRepo(db);
  }

  create(
    p: Principal,
    scope: EnterpriseScope,
    enterpriseId: string,
    input: InspectionInput,
    findings: FindingInput[] = [],
  ): InspectionView {
    this.assertRegulator(p);
    scope.assert(enterpriseId);
    const fields = this.fields(input);
    const now = iso(this.clock.now());
    const id = this.bus.transaction(() => {
      const id = this.repo.insert(enterpriseId, fields, p.userId, now);
      this.bus.publish('inspection.recorded', enterpriseId, { ...facts(id, fields), ...by(p) });
      for (const f of findings) this.registerFinding(p, scope, id, enterpriseId, fields, f);
      return id;
    });
    return this.detail(scope, id);
  }

  update(
    p: Principal,
    scope: EnterpriseScope,
    id: number,
    patch: Partial<InspectionInput> & { version?: number },
  ): InspectionView {
    this.assertRegulator(p);
    const cur = this.load(scope, id);
    const { version, ...changes } = patch;
    if (version !== undefined && version !== cur.version) throw Errors.conflict({ id });
    const fields = this.fields({ ...inputOf(cur), ...changes });
    const changed = (Object.keys(fields) as (keyof InspectionFields)[]).filter(
      (k) => JSON.stringify(fields[k]) !== JSON.stringify(cur[k]),
    );
    if (changed.length === 0) return this.detail(scope, id);
    this.bus.transaction(() => {
      if (!this.repo.update(id, cur.version, fields, iso(this.clock.now()))) throw Errors.conflict({ id });
      this.bus.publish('inspection.updated', cur.enterpriseId, {
        ...facts(id, fields),
        ...by(p),
        changes: changed,
      });
    });
    return this.detail(scope, id);
  }

  /** Deletes a record entered by mistake; one with findings stays (its hazards are in the loop). */
  remove(p: Principal, scope: EnterpriseScope, id: number): void {
    this.assertRegulator(p);
    const cur = this.load(scope, id);
    if (this.repo.findingIds(id).length > 0) throw InspectionErrors.hasFindings({ id });
    this.bus.transaction(() => {
      this.repo.delete(id);
      this.bus.publish('inspection.deleted', cur.enterpriseId, { inspectionId: id, ...by(p) });
    });
  }

  addFinding(p: Principal, scope: EnterpriseScope, id: number, f: FindingInput): InspectionView {
    this.assertRegulator(p);
    const cur = this.load(scope, id);
    this.bus.transaction(() => this.registerFinding(p, scope, id, cur.enterpriseId, cur, f));
    return this.detail(scope, id);
  }

  list(
    scope: EnterpriseScope,
    q: { enterpriseId?: string; limit: number; offset: number },
  ): { items: InspectionView[]; total: number } {
    if (q.enterpriseId) scope.assert(q.enterpriseId);
    const ids = q.enterpriseId ? [q.enterpriseId] : [...scope.enterpriseIds].sort();
    const r = this.repo.list(ids, q.limit, q.offset);
    return { items: r.items.map((x) => this.view(x)), total: r.total };
  }

  detail(scope: EnterpriseScope, id: number): InspectionView {
    return this.view(this.load(scope, id));
  }

  /**
   * The port for the annex forms' ledger (helper reports): the 检查单位, 挂牌督办单位 and 行政处罚 of the
   * inspection a hazard was found in, or null for a hazard no inspection found. No tenancy check: the
   * caller has already been shown the hazard.
   */
  forHazard(hazardId: number): InspectionRef | null {
    const i = this.repo.byHazard(hazardId);
    if (!i) return null;
    return {
      inspectionId: i.id,
      checkingUnit: i.checkingUnit,
      supervisingUnit: i.supervised ? i.supervisingUnit : null,
      penaltyText: i.penaltyText,
      penaltyWanYuan: toWanYuan(i.penaltyYuan),
    };
  }

  private registerFinding(
    p: Principal,
    scope: EnterpriseScope,
    inspectionId: number,
    enterpriseId: string,
    i: InspectionFields,
    f: FindingInput,
  ): void {
    const h = this.hazards.registerFinding(p, scope, {
      enterpriseId,
      siteId: f.siteId,
      source: 'inspection',
      stage: i.stage,
      checker: `${i.checkingUnit} ${i.inspectors.join('、')}`.slice(0, 100),
      supervisingUnit: i.supervised ? (i.supervisingUnit ?? undefined) : undefined,
      description: f.description,
      location: f.location,
      basis: f.basis,
      hazardType: f.hazardType,
      foundAt: i.inspectedAt,
      photos: f.photos,
      reason: `执法检查 #${inspectionId} 发现 found by inspection #${inspectionId}`,
    });
    this.repo.addFinding(inspectionId, h.id);
    this.bus.publish('inspection.findingAdded', enterpriseId, {
      inspectionId,
      hazardId: h.id,
      description: f.description,
      ...by(p),
    });
  }

  /** Validated fields: the fine as exact yuan, a supervised case with its unit, a time not ahead. */
  private fields(x: InspectionInput): InspectionFields {
    const wan = x.penaltyWanYuan ?? 0;
    const yuan = Math.round(wan * 10_000);
    if (!Number.isFinite(wan) || wan < 0 || Math.abs(wan * 10_000 - yuan) > 1e-6)
      throw InspectionErrors.badPenalty({ penaltyWanYuan: wan });
    const supervised = x.supervised ?? false;
    const unit = x.supervisingUnit?.trim() || null;
    if (supervised && !unit) throw InspectionErrors.supervisingUnitRequired();
    const at = Date.parse(x.inspectedAt);
    if (!(at <= this.clock.now() + 5 * 60_000))
      throw InspectionErrors.futureTime({ inspectedAt: x.inspectedAt });
    return {
      inspectors: x.inspectors.map((s) => s.trim()).filter(Boolean),
      inspectedAt: iso(at),
      stage: x.stage as Stage,
      checkingUnit: x.checkingUnit.trim(),
      penaltyText: x.penaltyText?.trim() || null,
      penaltyYuan: yuan,
      supervised,
      supervisingUnit: supervised ? unit : null,
      note: x.note?.trim() || null,
    };
  }

  /** Enterprise roles never reach here through the routes (inspection:write); this holds for any caller. */
  private assertRegulator(p: Principal): void {
    if (p.role !== 'regulator') throw InspectionErrors.regulatorOnly({ role: p.role });
  }

  private load(scope: EnterpriseScope, id: number): Inspection {
    const i = this.repo.get(id);
    // another region's record answers like a missing one (404), never 403
    if (!i || !scope.can(i.enterpriseId)) throw InspectionErrors.notFound({ id });
    return i;
  }

  private view({ penaltyYuan, ...i }: Inspection): InspectionView {
    const findings = this.repo.findingIds(i.id).flatMap((hid) => {
      const h = this.hazards.repo.get(hid);
      return h
        ? [{ id: h.id, description: h.description, hazardType: h.hazardType, state: h.state, level: h.level }]
        : [];
    });
    return { ...i, penaltyWanYuan: toWanYuan(penaltyYuan), findings };
  }
}

const by = (p: Principal) => ({ byUserId: p.userId, by: p.displayName });

function facts(id: number, f: InspectionFields): InspectionFacts {
  return { inspectionId: id, ...f };
}

function inputOf(i: Inspection): InspectionInput {
  return {
    inspectors: i.inspectors,
    inspectedAt: i.inspectedAt,
    stage: i.stage as InspectionStage,
    checkingUnit: i.checkingUnit,
    penaltyText: i.penaltyText,
    penaltyWanYuan: toWanYuan(i.penaltyYuan),
    supervised: i.supervised,
    supervisingUnit: i.supervisingUnit,
    note: i.note,
  };
}
