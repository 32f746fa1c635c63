import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth.service.ts';
import { AuthErrors } from '../auth/auth.service.ts';
import { roleHas, type Permission } from '../auth/permissions.ts';
import type { Principal } from '../auth/principal.ts';
import { scopeFor, type EnterpriseScope } from '../tenancy/scope.ts';
import { cookieRequestRefusal } from './origin-guard.ts';

/** `public` routes need no sign-in; every other route names the permission it needs. */
export type RoutePermission = Permission | 'public' | 'authenticated';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RoutePermission;
  }
  interface FastifyRequest {
    principal: Principal | null;
    scope: EnterpriseScope | null;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim() || undefined;
  return cookieToken(request.headers.cookie);
}

/** The `jh_token` cookie's value: what a browser attaches by itself, so it needs the origin guard. */
export function cookieToken(cookie: string | undefined): string | undefined {
  const m = cookie ? /(?:^|;\s*)jh_token=([A-Za-z0-9_-]+)/.exec(cookie) : null;
  return m?.[1];
}

/** Signed-in user of a route that declared a permission; throws if the route is public. */
export function principalOf(request: FastifyRequest): { principal: Principal; scope: EnterpriseScope } {
  if (!request.principal || !request.scope) throw AuthErrors.missing();
  return { principal: request.principal, scope: request.scope };
}

export function installAuth(
  app: FastifyInstance,
  auth: AuthService,
  enterpriseIdsInRegion: (regionId: string) => string[],
  allowedOrigins: readonly string[] = [],
): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('scope', null);
  // Authentication runs in onRequest, before body validation, so an anonymous caller learns nothing
  // about a route beyond "sign in first".
  // Fail closed at start-up: a route that forgot to declare its permission stops the service.
  app.addHook('onRoute', (route) => {
    const permission = (route.config as { permission?: RoutePermission } | undefined)?.permission;
    const isFastifyInternal = route.url.startsWith('/docs');
    if (!permission && !isFastifyInternal)
      throw new Error(`route ${route.method} ${route.url} declares no permission`);
  });
  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (!permission || permission === 'public') return;
    const token = bearerToken(request);
    // Only a cookie-borne session can be ridden by another page (tests/security/csrf-same-site.test.ts).
    if (token && !request.headers.authorization?.startsWith('Bearer ')) {
      const refusal = cookieRequestRefusal(request.method, request.headers, allowedOrigins);
      if (refusal) throw refusal;
    }
    const principal = auth.authenticate(token);
    if (permission !== 'authenticated' && !roleHas(principal.role, permission)) {
      throw AuthErrors.forbidden({ permission, role: principal.role });
    }
    request.principal = principal;
    request.scope = scopeFor(principal, enterpriseIdsInRegion);
  });
}
