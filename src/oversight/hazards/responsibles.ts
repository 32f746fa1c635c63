import { roleHas } from '../../platform/auth/permissions.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import type { UsersRepo } from '../../platform/auth/users.repo.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';

export interface ResponsiblePerson {
  userId: number;
  displayName: string;
  role: string;
  enterpriseId: string;
}

/** A regulator is never an enterprise's responsible person; a welder cannot open hazards (no hazard:read). */
export const mayBeResponsible = (role: Principal['role']) =>
  role !== 'regulator' && roleHas(role, 'hazard:read');

/**
 * Who a hazard of these enterprises may be dispatched to: their active users whose role reads hazards
 * (they must open the hazard to rectify it), so a dispatch screen offers names, not ids.
 */
export function responsiblesIn(users: UsersRepo, scope: EnterpriseScope): ResponsiblePerson[] {
  return users
    .listForAdmin([...scope.enterpriseIds])
    .filter((u) => !u.disabled && u.enterpriseId && mayBeResponsible(u.role))
    .map((u) => ({
      userId: u.userId,
      displayName: u.displayName,
      role: u.role,
      enterpriseId: u.enterpriseId!,
    }));
}
