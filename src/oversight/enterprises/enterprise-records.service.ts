import type { Principal } from '../../platform/auth/principal.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { iso } from '../../platform/shared/clock.ts';
import { defineError } from '../../platform/shared/errors.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';
import { TenancyErrors } from '../../platform/tenancy/scope.ts';
import type { TenancyRepo } from '../../platform/tenancy/tenancy.repo.ts';
import { industryFromName } from './classification.ts';
import { creditCodeProblem } from './credit-code.ts';
import type { EnterpriseRecordsRepo, RecordFields, StoredRecord } from './enterprise-records.repo.ts';

export const EnterpriseRecordErrors = {
  badCreditCode: defineError(
    'JH_ERR_ENTERPRISE_CREDIT_CODE_INVALID',
    400,
    '统一社会信用代码不合法（GB 32100-2015：18 位、字符集、校验码）。',
    'The unified social credit code is not valid (GB 32100-2015: 18 characters, character set, check character).',
  ),
  versionConflict: defineError(
    'JH_ERR_ENTERPRISE_RECORD_CONFLICT',
    409,
    '企业档案已被他人修改，请刷新后再保存。',
    'The record was changed by someone else since you loaded it: reload, then save.',
  ),
};

/** The record as shown: the config's identity of the enterprise beside what its admin filled in. */
export interface EnterpriseRecord extends StoredRecord {
  name: string;
  regionId: string;
  regionName: string;
  /** the config's free-text industry (enterprises[].industry) */
  industry: string;
}

const FIELDS = [
  'creditCode',
  'address',
  'industryClass',
  'scale',
  'aboveDesignatedSize',
  'mainHazards',
  'confinedSpaces',
  'gasAreas',
  'contacts',
] as const satisfies readonly (keyof RecordFields)[];

export type RecordPatch = Partial<RecordFields> & { version?: number };

/** 一企一档: the enterprise admin edits its own record; its regulators read it (scope decides who sees). */
export class EnterpriseRecordsService {
  constructor(
    readonly repo: EnterpriseRecordsRepo,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly tenancy: TenancyRepo,
  ) {}

  /** Throws the tenancy 404 for an enterprise the caller may not see (or that does not exist). */
  get(scope: EnterpriseScope, enterpriseId: string): EnterpriseRecord {
    scope.assert(enterpriseId);
    return this.recordOf(enterpriseId);
  }

  /** For reports that already scoped their enterprise list. */
  recordOf(enterpriseId: string): EnterpriseRecord {
    const e = this.tenancy.enterprises().find((x) => x.id === enterpriseId);
    if (!e) throw TenancyErrors.notVisible();
    const region = this.tenancy.regions().find((r) => r.id === e.regionId);
    const stored: StoredRecord = this.repo.get(enterpriseId) ?? {
      enterpriseId,
      creditCode: null,
      address: null,
      industryClass: industryFromName(e.industry),
      scale: null,
      aboveDesignatedSize: null,
      mainHazards: [],
      confinedSpaces: [],
      gasAreas: [],
      contacts: [],
      version: 0,
      updatedAt: '',
      updatedBy: '',
    };
    return {
      ...stored,
      name: e.name,
      regionId: e.regionId,
      regionName: region?.name ?? e.regionId,
      industry: e.industry,
    };
  }

  /**
   * Saves the fields given (the rest stay). With `version`, refuses (409) when the record changed since
   * that version was read. Publishes enterprise.recordUpdated with the names of the changed fields.
   */
  update(p: Principal, scope: EnterpriseScope, enterpriseId: string, patch: RecordPatch): EnterpriseRecord {
    const current = this.get(scope, enterpriseId);
    if (patch.version !== undefined && patch.version !== current.version)
      throw EnterpriseRecordErrors.versionConflict({ version: current.version });
    const creditCode =
      patch.creditCode === undefined ? undefined : patch.creditCode?.trim().toUpperCase() || null;
    if (creditCode) {
      const problem = creditCodeProblem(creditCode);
      if (problem) throw EnterpriseRecordErrors.badCreditCode({ problem });
    }
    const next: StoredRecord = {
      enterpriseId,
      creditCode: current.creditCode,
      address: current.address,
      industryClass: current.industryClass,
      scale: current.scale,
      aboveDesignatedSize: current.aboveDesignatedSize,
      mainHazards: current.mainHazards,
      confinedSpaces: current.confinedSpaces,
      gasAreas: current.gasAreas,
      contacts: current.contacts,
      version: current.version + 1,
      updatedAt: iso(this.clock.now()),
      updatedBy: p.username,
    };
    const changes: string[] = [];
    for (const f of FIELDS) {
      const value = f === 'creditCode' ? creditCode : patch[f];
      if (value === undefined) continue;
      if (JSON.stringify(value) !== JSON.stringify(current[f])) changes.push(f);
      (next as unknown as Record<string, unknown>)[f] = value;
    }
    if (changes.length === 0) return current;
    this.bus.transaction(() => {
      this.repo.put(next);
      this.bus.publish('enterprise.recordUpdated', enterpriseId, {
        enterpriseId,
        changes,
        version: next.version,
        byUserId: p.userId,
        by: p.username,
      });
    });
    return this.recordOf(enterpriseId);
  }
}
