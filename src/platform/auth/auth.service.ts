import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import { iso } from '../shared/clock.ts';
import { defineError } from '../shared/errors.ts';
import type { UserConfig } from '../../config/schema.ts';
import { hashPassword, verifyPassword } from './password.ts';
import type { Principal } from './principal.ts';
import type { SessionsRepo } from './sessions.repo.ts';
import type { UsersRepo } from './users.repo.ts';

export const AuthErrors = {
  missing: defineError('JH_ERR_AUTH_MISSING', 401, '未登录：请先登录。', 'Not signed in: sign in first.'),
  invalidToken: defineError(
    'JH_ERR_AUTH_INVALID_TOKEN',
    401,
    '登录凭证无效。',
    'The sign-in token is not valid.',
  ),
  expired: defineError(
    'JH_ERR_AUTH_EXPIRED',
    401,
    '登录已过期，请重新登录。',
    'The session has expired; sign in again.',
  ),
  badCredentials: defineError(
    'JH_ERR_AUTH_BAD_CREDENTIALS',
    401,
    '用户名或密码错误。',
    'Wrong username or password.',
  ),
  forbidden: defineError(
    'JH_ERR_AUTH_FORBIDDEN',
    403,
    '当前角色无权执行此操作。',
    'Your role may not do this.',
  ),
  configAdoptsApiUser: defineError(
    'JH_ERR_AUTH_CONFIG_USER_TAKEN',
    500,
    '配置文件中的用户名已被企业管理员通过接口创建的账号占用：服务拒绝启动，请改用其他用户名或先停用、改名该账号。',
    'A username in the config file belongs to an account an enterprise admin created through the API: the service will not start; pick another name, or rename the API account first.',
  ),
  missingPasswordEnv: defineError(
    'JH_ERR_AUTH_PASSWORD_ENV',
    500,
    '用户密码所需的环境变量未设置。',
    'The environment variable holding a user password is not set.',
  ),
};

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

// A fixed hash verified when the username is unknown, so both paths take the same time.
let dummyHash: Promise<string> | undefined;

export class AuthService {
  constructor(
    private readonly users: UsersRepo,
    private readonly sessions: SessionsRepo,
    private readonly clock: Clock,
    private readonly sessionTtlMs: number,
  ) {}

  /**
   * Creates or updates the users named in the config (their passwords hashed with argon2id).
   *
   * Fails closed before writing anything when a configured name belongs to an account made through the
   * API: adopting it would hand that account's live sessions (held by whoever made it) the configured
   * role, e.g. a regulator over a whole region (#23, tests/security/accounts-trust.test.ts). A change of
   * role, enterprise, region or password ends the user's sessions: a token must not outlive the
   * authority it was issued under.
   */
  async syncUsers(users: readonly UserConfig[], env: NodeJS.ProcessEnv): Promise<void> {
    for (const u of users) {
      if (this.users.forSync(u.username)?.origin === 'api')
        throw AuthErrors.configAdoptsApiUser(
          { username: u.username },
          `Config user "${u.username}" is an account an enterprise admin created through the API; ` +
            'the service will not adopt it. Pick another name in the config, or rename the API account first.',
        );
    }
    for (const u of users) {
      const stored = this.users.forSync(u.username);
      let passwordHash = u.passwordHash;
      if (!passwordHash) {
        const plain = u.password ?? (u.passwordEnv ? env[u.passwordEnv] : undefined);
        if (!plain) throw AuthErrors.missingPasswordEnv({ username: u.username, env: u.passwordEnv });
        // Keep the stored hash when the password is unchanged, so restarts do not re-hash every user.
        const same = stored && (await verifyPassword(stored.passwordHash, plain));
        passwordHash = same ? stored.passwordHash : await hashPassword(plain);
      }
      const row = {
        username: u.username,
        displayName: u.displayName,
        role: u.role,
        enterpriseId: u.enterpriseId ?? null,
        regionId: u.regionId ?? null,
        passwordHash,
      };
      if (!stored) {
        this.users.insert(row, 'config', iso(this.clock.now()));
        continue;
      }
      this.users.updateFromConfig(stored.id, row);
      const changed =
        stored.role !== row.role ||
        stored.enterpriseId !== row.enterpriseId ||
        stored.regionId !== row.regionId ||
        stored.passwordHash !== row.passwordHash;
      if (changed) this.sessions.deleteForUser(stored.id);
    }
  }

  async login(
    username: string,
    password: string,
  ): Promise<{ token: string; expiresAt: string; user: Principal }> {
    const found = this.users.findForLogin(username);
    if (!found) {
      dummyHash ??= hashPassword('not-a-user-password');
      await verifyPassword(await dummyHash, password);
      throw AuthErrors.badCredentials();
    }
    if (!(await verifyPassword(found.passwordHash, password))) throw AuthErrors.badCredentials();
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const expiresAt = iso(now + this.sessionTtlMs);
    this.sessions.create(sha256(token), found.principal.userId, iso(now), expiresAt);
    return { token, expiresAt, user: found.principal };
  }

  authenticate(token: string | undefined): Principal {
    if (!token) throw AuthErrors.missing();
    const session = this.sessions.find(sha256(token));
    if (!session) throw AuthErrors.invalidToken();
    if (Date.parse(session.expiresAt) <= this.clock.now()) throw AuthErrors.expired();
    const user = this.users.byId(session.userId);
    if (!user) throw AuthErrors.invalidToken();
    return user;
  }

  logout(token: string): void {
    this.sessions.delete(sha256(token));
  }
}
