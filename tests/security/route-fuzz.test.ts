import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFullTestService } from '../helpers/test-service.ts';

/**
 * Schema-aware fuzz of every route in the OpenAPI document: hostile params, query strings and bodies
 * (seeded, reproducible) must give a coded 4xx (or a 2xx for input that happens to be valid), never
 * a 5xx, and the process must keep answering.
 */
let t: Awaited<ReturnType<typeof startFullTestService>>;
let routes: { method: string; url: string; op: OpenApiOp }[] = [];

interface OpenApiOp {
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
}

// the HTTPS certificate is public by nature: every TLS handshake sends it (phones install it from there);
// 群众举报 takes reports and answers receipts without an account (tests/security/public-report.test.ts)
const SAFE_PUBLIC = new Set([
  '/healthz',
  '/metrics',
  '/api/server/tls/certificate.crt',
  '/api/public/reports',
  '/api/public/reports/{receipt}',
]);
const SEED = 20261122;

beforeAll(async () => {
  t = await startFullTestService();
  const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
    paths: Record<string, Record<string, OpenApiOp>>;
  };
  routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([m, op]) => ({ method: m.toUpperCase(), url: path, op })),
  );
});
afterAll(async () => {
  await t.close();
});

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '../../etc/passwd',
    '..%2F..%2Fetc%2Fpasswd',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '\u0000',
    '%00',
    'NaN',
    '-1',
    '1e309',
    '🚧',
    '\\',
    '{}',
    '[]',
  ),
  fc.integer().map(String),
);
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const fillPath = (url: string, values: string[]): string => {
  let i = 0;
  return url.replace(/\{[^}]+\}/g, () => encodeURIComponent(values[i++] ?? 'x'));
};

describe('route fuzz (security)', () => {
  it('finds the routes to fuzz', () => {
    // every module's routes are in the document (a module that failed to register would shrink this)
    expect(routes.length).toBeGreaterThanOrEqual(40);
    console.log(`fuzzing ${routes.length} routes`);
  });

  it('answers every protected route without a token with 401, never data', async () => {
    for (const r of routes) {
      if (
        r.url === '/api/auth/login' ||
        SAFE_PUBLIC.has(r.url) ||
        r.url.startsWith('/ui') ||
        r.url.startsWith('/docs')
      )
        continue;
      const res = await t.app.inject({ method: r.method as 'GET', url: fillPath(r.url, ['x', 'y', 'z']) });
      if (res.statusCode !== 401 && res.statusCode !== 404) {
        // public pages (static UI assets) are allowed; anything else must refuse
        expect.soft(res.statusCode, `${r.method} ${r.url} without auth`).toBe(401);
      }
    }
  });

  it('never answers 5xx to hostile params, queries and bodies', async () => {
    const auths = [
      await t.login('admin-a'),
      await t.login('safety-a'),
      await t.login('regulator-z'),
      await t.login('welder-a'),
    ];
    const failures: string[] = [];
    for (const r of routes) {
      if (r.url === '/api/auth/login') continue; // rate-limited; fuzzed separately below
      await fc.assert(
        fc.asyncProperty(
          fc.array(hostileString, { minLength: 3, maxLength: 3 }),
          fc.dictionary(fc.string({ maxLength: 12 }), hostileString, { maxKeys: 4 }),
          fc.option(jsonValue, { nil: undefined }),
          fc.nat(auths.length - 1),
          async (pathValues, query, body, who) => {
            const qs = new URLSearchParams(query).toString();
            const res = await t.app.inject({
              method: r.method as 'GET',
              url: fillPath(r.url, pathValues) + (qs ? `?${qs}` : ''),
              headers: { authorization: auths[who]! },
              ...(body !== undefined && r.method !== 'GET' && r.method !== 'DELETE'
                ? { payload: body as object }
                : {}),
            });
            if (res.statusCode >= 500)
              failures.push(`${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
            if (res.statusCode >= 400) {
              const json = res.json() as { code?: string };
              if (!json.code?.startsWith('JH_ERR_'))
                failures.push(`${r.method} ${r.url} → uncoded ${res.statusCode}`);
            }
          },
        ),
        { seed: SEED, numRuns: 60 },
      );
    }
    expect(failures.slice(0, 10)).toEqual([]);
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
  });

  it('rejects hostile login bodies with coded 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(jsonValue, async (body) => {
        const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: body as object });
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        expect((res.json() as { code: string }).code).toMatch(/^JH_ERR_/);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
