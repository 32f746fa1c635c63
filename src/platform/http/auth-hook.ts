import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth.service.ts';
import { AuthErrors } from '../auth/auth.service.ts';
import { roleHas, type Permission } from '../auth/permissions.ts';
import type { Principal } from '../auth/principal.ts';
import { scopeFor, type EnterpriseScope } from '../tenancy/scope.ts';

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
  const cookie = request.headers.cookie;
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
    const principal = auth.authenticate(bearerToken(request));
    if (permission !== 'authenticated' && !roleHas(principal.role, permission)) {
      throw AuthErrors.forbidden({ permission, role: principal.role });
    }
    request.principal = principal;
    request.scope = scopeFor(principal, enterpriseIdsInRegion);
  });
}
