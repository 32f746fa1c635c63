import type { Principal } from '../auth/principal.ts';
import { defineError } from '../shared/errors.ts';

export const TenancyErrors = {
  notVisible: defineError(
    'JH_ERR_TENANCY_NOT_FOUND',
    404,
    '资源不存在或不在您的权限范围内。',
    'Not found, or not within your scope.',
  ),
};

/** Which enterprises a principal may see: a regulator its region's, everyone else only their own. */
export interface EnterpriseScope {
  enterpriseIds: ReadonlySet<string>;
  can(enterpriseId: string | null | undefined): boolean;
  /** Throws a 404 (not 403) for another tenant's data, the same answer as for a missing one: no details. */
  assert(enterpriseId: string | null | undefined): void;
}

export function scopeFor(
  p: Principal,
  enterpriseIdsInRegion: (regionId: string) => string[],
): EnterpriseScope {
  const ids = new Set<string>(
    p.role === 'regulator'
      ? p.regionId
        ? enterpriseIdsInRegion(p.regionId)
        : []
      : p.enterpriseId
        ? [p.enterpriseId]
        : [],
  );
  return {
    enterpriseIds: ids,
    can: (e) => !!e && ids.has(e),
    assert: (e) => {
      if (!e || !ids.has(e)) throw TenancyErrors.notVisible();
    },
  };
}
