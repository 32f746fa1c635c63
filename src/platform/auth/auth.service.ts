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

  /** Creates or updates the users named in the config (their passwords hashed with argon2id). */
  async syncUsers(users: readonly UserConfig[], env: NodeJS.ProcessEnv): Promise<void> {
    for (const u of users) {
      let passwordHash = u.passwordHash;
      if (!passwordHash) {
        const plain = u.password ?? (u.passwordEnv ? env[u.passwordEnv] : undefined);
        if (!plain) throw AuthErrors.missingPasswordEnv({ username: u.username, env: u.passwordEnv });
        const stored = this.users.passwordHashOf(u.username);
        // Keep the stored hash when the password is unchanged, so restarts do not re-hash every user.
        passwordHash = stored && (await verifyPassword(stored, plain)) ? stored : await hashPassword(plain);
      }
      this.users.upsert(
        {
          username: u.username,
          displayName: u.displayName,
          role: u.role,
          enterpriseId: u.enterpriseId ?? null,
          regionId: u.regionId ?? null,
          passwordHash,
        },
        iso(this.clock.now()),
      );
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
