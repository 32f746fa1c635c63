import type { IncomingHttpHeaders } from 'node:http';
import { defineError, type AppError } from '../shared/errors.ts';

export const OriginErrors = {
  crossOrigin: defineError(
    'JH_ERR_HTTP_CROSS_ORIGIN',
    403,
    '拒绝来自其他来源的请求：请在监护页面内操作。',
    'Refused: this request came from another origin; use the Jianhu pages.',
  ),
  needsJson: defineError(
    'JH_ERR_HTTP_NEEDS_JSON',
    415,
    '请求须为 JSON（Content-Type: application/json）。',
    'The request must be JSON (Content-Type: application/json).',
  ),
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Header a non-JSON state-changing call may send instead of a JSON body (a form cannot set it). */
export const CSRF_HEADER = 'x-jianhu-request';

/** `scheme://host[:port]` of an Origin header, or null when absent, "null" or malformed. */
function originHost(origin: string | undefined): string | null {
  if (!origin || origin === 'null') return null;
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Why a request authenticated by the `jh_token` COOKIE must be refused, or undefined when it may go on.
 *
 * The cookie is `SameSite=Strict`, but "site" ignores ports: a page on another port of the same host
 * (any other web service on the plant server) is same-site and its requests carry the cookie. So:
 * - an `Origin` header, when present, must name this service (the request's own `Host`, or one of
 *   `server.allowedOrigins` behind a proxy that rewrites Host);
 * - a state-changing method must carry an allowed `Origin` (browsers always send one on POST/PUT/
 *   PATCH/DELETE) and a JSON body or the `x-jianhu-request` header, neither of which a cross-origin
 *   page can send without a CORS preflight this service never grants.
 * Bearer-header requests are not affected: a browser never attaches that header by itself.
 */
export function cookieRequestRefusal(
  method: string,
  headers: IncomingHttpHeaders,
  allowedOrigins: readonly string[],
): AppError | undefined {
  const origin = typeof headers.origin === 'string' ? headers.origin : undefined;
  const host = originHost(origin);
  const own = (headers.host ?? '').toLowerCase();
  const allowed = host !== null && (host === own || allowedOrigins.some((o) => originHost(o) === host));
  if (origin !== undefined && !allowed) return OriginErrors.crossOrigin({ origin });
  if (SAFE_METHODS.has(method.toUpperCase())) return undefined;
  if (!allowed) return OriginErrors.crossOrigin({ origin: origin ?? null });
  const type = String(headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/json' && headers[CSRF_HEADER] === undefined) return OriginErrors.needsJson();
  return undefined;
}
