import type { Role } from '../../config/schema.ts';
import type { EventBus } from '../events/event-bus.ts';
import { defineError } from '../shared/errors.ts';
import { TenancyErrors, type EnterpriseScope } from '../tenancy/scope.ts';
import { hashPassword } from './password.ts';
import type { Principal } from './principal.ts';
import type { SessionsRepo } from './sessions.repo.ts';
import type { UsersRepo } from './users.repo.ts';

export const UserAdminErrors = {
  exists: defineError('JH_ERR_USER_EXISTS', 409, '该账号已存在。', 'That username is already taken.'),
  regulatorRole: defineError(
    'JH_ERR_USER_ROLE_NOT_ALLOWED',
    400,
    '企业管理员不能设置监管角色；监管用户在配置文件中维护。',
    'An enterprise admin cannot grant the regulator role; regulators are kept in the config file.',
  ),
  self: defineError(
    'JH_ERR_USER_SELF_CHANGE',
    409,
    '不能停用自己或修改自己的角色。',
    'You cannot disable yourself or change your own role.',
  ),
};

export interface UserView {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  enterpriseId: string | null;
  disabled: boolean;
}

/**
 * An enterprise admin manages the accounts of its own enterprise (never regulators, never itself).
 * Users named in the config file are re-synced from it at start: the file stays the source of truth
 * for them, and never adopts an account made here (AuthService.syncUsers). Disabling a user, changing
 * a password or a role signs that user out everywhere.
 */
export class UserAdminService {
  constructor(
    private readonly users: UsersRepo,
    private readonly sessions: SessionsRepo,
    private readonly bus: EventBus,
  ) {}

  list(scope: EnterpriseScope): UserView[] {
    return this.users.listForAdmin([...scope.enterpriseIds]).map(view);
  }

  async create(
    by: Principal,
    input: { username: string; displayName: string; role: Role; password: string },
  ): Promise<UserView> {
    if (input.role === 'regulator') throw UserAdminErrors.regulatorRole();
    if (!by.enterpriseId) throw TenancyErrors.notVisible();
    // A cheap early answer; the INSERT below is what decides (the hash takes ~100 ms, ample time for
    // a second create of the same name to pass this check too).
    if (this.users.exists(input.username)) throw UserAdminErrors.exists({ username: input.username });
    const passwordHash = await hashPassword(input.password);
    const enterpriseId = by.enterpriseId;
    const userId = this.bus.transaction(() => {
      const id = this.users.insert(
        {
          username: input.username,
          displayName: input.displayName,
          role: input.role,
          enterpriseId,
          regionId: null,
          passwordHash,
        },
        'api',
        new Date().toISOString(),
      );
      if (id === undefined) throw UserAdminErrors.exists({ username: input.username });
      this.bus.publish('user.created', enterpriseId, {
        userId: id,
        username: input.username,
        role: input.role,
        by: by.username,
      });
      return id;
    });
    return view(this.users.findAny(userId)!);
  }

  async update(
    by: Principal,
    scope: EnterpriseScope,
    userId: number,
    patch: { displayName?: string; role?: Role; password?: string; disabled?: boolean },
  ): Promise<UserView> {
    const target = this.users.findAny(userId);
    scope.assert(target?.enterpriseId);
    if (patch.role === 'regulator') throw UserAdminErrors.regulatorRole();
    if (target!.userId === by.userId && (patch.disabled || (patch.role && patch.role !== target!.role))) {
      throw UserAdminErrors.self();
    }
    const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
    const changes = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
    this.bus.transaction(() => {
      this.users.update(userId, { ...patch, passwordHash });
      // A token must not outlive the authority it was issued under: a new role ends the sessions too.
      const roleChanged = patch.role !== undefined && patch.role !== target!.role;
      if (patch.password || patch.disabled || roleChanged) this.sessions.deleteForUser(userId);
      this.bus.publish('user.updated', target!.enterpriseId, { userId, changes, by: by.username });
    });
    return view(this.users.findAny(userId)!);
  }
}

const view = (u: Principal & { disabled: boolean }): UserView => ({
  userId: u.userId,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  enterpriseId: u.enterpriseId,
  disabled: u.disabled,
});
