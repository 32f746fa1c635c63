import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthErrors } from '../../platform/auth/auth.service.ts';
import { hashPassword, verifyPassword } from '../../platform/auth/password.ts';
import { cookieRequestRefusal } from '../../platform/http/origin-guard.ts';
import type { HubConfig } from '../config.ts';
import type { SessionsRepo } from '../store/sessions.repo.ts';

/**
 * Regulators sign in at the hub (enterprise users stay on their box). The same protections as a
 * box's sign-in (src/platform/auth, src/platform/http/auth-hook.ts): argon2id hashes, the same work
 * for an unknown name, opaque random tokens stored only as sha256, an HttpOnly SameSite=Strict cookie,
 * and the box's origin guard on every cookie-borne request (a page on another origin or port cannot
 * ride the session). The users come from hub.yaml; sessions live in the hub's PostgreSQL.
 */
export const HUB_COOKIE = 'jh_hub_token';

export interface HubUser {
  username: string;
  displayName: string;
  regionId: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class HubAuth {
  private readonly users = new Map<string, HubUser & { passwordHash: string }>();
  private dummy: Promise<string> | undefined;

  constructor(
    private readonly sessions: SessionsRepo,
    private readonly ttlMs: number,
  ) {}

  static async create(
    config: HubConfig,
    sessions: SessionsRepo,
    env: NodeJS.ProcessEnv = process.env,
  ): Promise<HubAuth> {
    const auth = new HubAuth(sessions, config.server.sessionTtlHours * 3_600_000);
    for (const u of config.users) {
      const passwordHash = u.passwordHash ?? (await hashPassword(u.password ?? env[u.passwordEnv!]!));
      auth.users.set(u.username, {
        username: u.username,
        displayName: u.displayName,
        regionId: u.regionId,
        passwordHash,
      });
    }
    return auth;
  }

  async login(
    username: string,
    password: string,
  ): Promise<{ token: string; expiresAt: string; user: HubUser }> {
    const found = this.users.get(username);
    if (!found) {
      this.dummy ??= hashPassword('not-a-hub-user-password');
      await verifyPassword(await this.dummy, password);
      throw AuthErrors.badCredentials();
    }
    if (!(await verifyPassword(found.passwordHash, password))) throw AuthErrors.badCredentials();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await this.sessions.create(sha256(token), username, expiresAt);
    return { token, expiresAt: expiresAt.toISOString(), user: publicUser(found) };
  }

  async authenticate(token: string | undefined): Promise<HubUser> {
    if (!token) throw AuthErrors.missing();
    const s = await this.sessions.find(sha256(token));
    if (!s) throw AuthErrors.invalidToken();
    if (s.expiresAt.getTime() <= Date.now()) throw AuthErrors.expired();
    const u = this.users.get(s.username);
    // a user removed from hub.yaml loses every session at the next restart
    if (!u) throw AuthErrors.invalidToken();
    return publicUser(u);
  }

  logout(token: string): Promise<void> {
    return this.sessions.delete(sha256(token));
  }
}

const publicUser = (u: HubUser): HubUser => ({
  username: u.username,
  displayName: u.displayName,
  regionId: u.regionId,
});

declare module 'fastify' {
  interface FastifyRequest {
    hubUser: HubUser | null;
  }
}

export function cookieOf(request: FastifyRequest): string | undefined {
  const c = request.headers.cookie;
  const m = c ? new RegExp(`(?:^|;\\s*)${HUB_COOKIE}=([A-Za-z0-9_-]+)`).exec(c) : null;
  return m?.[1];
}

export function tokenOf(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim() || undefined;
  return cookieOf(request);
}

/** Every /api/hub route but the public ones needs a signed-in regulator. */
export function installHubAuth(app: FastifyInstance, auth: HubAuth, allowedOrigins: readonly string[]): void {
  app.decorateRequest('hubUser', null);
  app.addHook('onRoute', (route) => {
    const p = (route.config as { permission?: string } | undefined)?.permission;
    if (p !== 'public' && p !== 'authenticated')
      throw new Error(`hub route ${route.method} ${route.url} declares no permission`);
  });
  app.addHook('onRequest', async (request) => {
    if ((request.routeOptions.config as { permission?: string }).permission !== 'authenticated') return;
    const token = tokenOf(request);
    if (token && !request.headers.authorization?.startsWith('Bearer ')) {
      const refusal = cookieRequestRefusal(request.method, request.headers, allowedOrigins);
      if (refusal) throw refusal;
    }
    request.hubUser = await auth.authenticate(token);
  });
}
