import type { Principal } from '../../platform/auth/principal.ts';
import { AuthErrors } from '../../platform/auth/auth.service.ts';
import { defineError } from '../../platform/shared/errors.ts';
import { TenancyErrors, type EnterpriseScope } from '../../platform/tenancy/scope.ts';
import type { TenancyRepo } from '../../platform/tenancy/tenancy.repo.ts';
import type { Verdict } from './coverage.ts';

export const AuditErrors = {
  badRange: defineError(
    'JH_ERR_AUDIT_BAD_RANGE',
    400,
    '时间范围无效：须 from < to，且不超过 366 天。',
    'Invalid time range: from must be before to, at most 366 days apart.',
  ),
  regionAndEnterprise: defineError(
    'JH_ERR_AUDIT_REGION_AND_ENTERPRISE',
    400,
    '请只选择一个辖区或一个企业。',
    'Choose either one region or one enterprise, not both.',
  ),
};

/**
 * Any range a campaign needs (the annex tables are cumulative over months), bounded at a year and a
 * day: one answer holds every permit's coverage, and a year of a county is still seconds (README).
 */
export const MAX_AUDIT_SPAN_MS = 366 * 86_400_000;

export interface AuditQuery {
  enterprise?: string | undefined;
  region?: string | undefined;
  from: string;
  to: string;
}

export interface AuditScope {
  enterpriseIds: string[];
  from: number;
  to: number;
  /** whom the audit covers, as printed on an export: the region's or the enterprise's name */
  unit: string;
  /** for file names: the region's or the enterprise's id, or `all` */
  label: string;
}

/**
 * Which enterprises a permit audit covers, checked against the caller: one enterprise (404 outside
 * the caller's scope, as for a missing one), a region (regulators only: 403 for an enterprise user;
 * the region and every region nested below it; 404 when any of its enterprises is outside the
 * caller's region, or when it is unknown), or, with neither, everything the caller sees.
 */
export function auditScope(
  tenancy: Pick<TenancyRepo, 'enterprises' | 'regions' | 'enterpriseIdsInRegion' | 'regionIdsWithin'>,
  principal: Principal,
  scope: EnterpriseScope,
  q: AuditQuery,
): AuditScope {
  const from = Date.parse(q.from);
  const to = Date.parse(q.to);
  if (!(from < to) || to - from > MAX_AUDIT_SPAN_MS) throw AuditErrors.badRange({ from: q.from, to: q.to });
  if (q.enterprise && q.region) throw AuditErrors.regionAndEnterprise();
  if (q.region) {
    if (principal.role !== 'regulator') throw AuthErrors.forbidden({ action: 'audit a region' });
    const region = tenancy.regions().find((r) => r.id === q.region);
    // an empty region is only shown when it lies within the caller's own (no probing for region ids)
    const own = principal.regionId ? tenancy.regionIdsWithin(principal.regionId) : [];
    if (!region || !own.includes(region.id)) throw TenancyErrors.notVisible();
    const ids = tenancy.enterpriseIdsInRegion(region.id);
    for (const id of ids) scope.assert(id);
    return { enterpriseIds: ids, from, to, unit: region.name, label: region.id };
  }
  if (q.enterprise) {
    scope.assert(q.enterprise);
    const name = tenancy.enterprises().find((e) => e.id === q.enterprise)?.name ?? q.enterprise;
    return { enterpriseIds: [q.enterprise], from, to, unit: name, label: q.enterprise };
  }
  const ids = [...scope.enterpriseIds].sort();
  const names = tenancy.enterprises().filter((e) => scope.can(e.id));
  const unit =
    (principal.regionId && tenancy.regions().find((r) => r.id === principal.regionId)?.name) ||
    names.map((e) => e.name).join('、');
  return { enterpriseIds: ids, from, to, unit, label: principal.regionId ?? ids[0] ?? 'all' };
}

export const VERDICTS = [
  'fully_monitored',
  'gaps',
  'work_without_monitoring',
  'no_work',
] as const satisfies readonly Verdict[];
