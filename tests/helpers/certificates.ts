import type { AppServices } from '../../src/app-services.ts';
import type { EnterpriseScope } from '../../src/platform/tenancy/scope.ts';
import { KINDS } from '../../src/work/kinds/index.ts';

const DAY = 86_400_000;

/** Every 特种作业 category some registered kind requires (焊接与热切割作业, …). */
export const REQUIRED_CATEGORIES = [...new Set(KINDS.list.flatMap((k) => k.certificates))];

/**
 * Registers, as the enterprise's safety office would, a valid card for each worker in each category
 * (default: every category a kind requires): issued a year before the service's clock, expiring five
 * years after it, review due in two. Permits name certified workers, or submit and start refuse them.
 */
export function certifyWorkers(
  services: AppServices,
  usernames: readonly string[],
  categories: readonly string[] = REQUIRED_CATEGORIES,
): void {
  const now = services.clock.now();
  for (const username of usernames) {
    const enterpriseId = services.users.byUsername(username)?.enterpriseId;
    if (!enterpriseId) throw new Error(`certifyWorkers: no enterprise user ${username}`);
    const scope: EnterpriseScope = {
      enterpriseIds: new Set([enterpriseId]),
      can: (e) => e === enterpriseId,
      assert: () => undefined,
    };
    categories.forEach((category, i) =>
      services.work.certificates.register(scope, {
        username,
        category,
        number: `TEST-${username}-${i + 1}`,
        issuedAt: new Date(now - 365 * DAY).toISOString(),
        expiresAt: new Date(now + 5 * 365 * DAY).toISOString(),
      }),
    );
  }
}
