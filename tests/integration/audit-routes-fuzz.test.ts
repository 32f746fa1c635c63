import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuditHarness, type AuditHarness } from './audit-harness.ts';

/**
 * Seeded fuzz of the audit, hazard and report routes (the shared route fuzz runs on the core service
 * only): hostile ids, queries and bodies must give a coded 4xx or a 2xx, never a 5xx.
 */
let h: AuditHarness;
let hazardId = 0;
const SEED = 20261122;

beforeAll(async () => {
  h = await startAuditHarness();
  const r = await h.call('safety-a', 'POST', '/api/hazards', {
    enterpriseId: 'ent-a',
    source: 'inspection',
    stage: 'self_check',
    checker: 'x',
    description: 'd',
    hazardType: 't',
  });
  hazardId = r.body.id as number;
});
afterAll(async () => h?.close());

const hostile = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '../../etc/passwd',
    "' OR 1=1 --",
    '\u0000',
    'NaN',
    '-1',
    '1e309',
    '2026-13-45T99:00:00Z',
    '🚧',
  ),
  fc.integer().map(String),
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({
    level: fc.oneof(fc.constantFrom('general', 'major'), hostile),
    reason: fc.oneof(hostile, fc.constant('')),
    responsibleUserId: fc.oneof(fc.integer(), hostile),
    deadline: hostile,
    passed: fc.oneof(fc.boolean(), hostile),
    photos: fc.array(hostile, { maxLength: 3 }),
    five: fc.dictionary(fc.constantFrom('measures', 'funds', 'deadline', 'x'), fc.jsonValue({ maxDepth: 1 })),
  }),
);

describe('audit / hazard / report routes under hostile input', () => {
  it('never answer 5xx and always carry a code on errors', async () => {
    const auth = { 'safety-a': await h.login('safety-a'), 'regulator-z': await h.login('regulator-z') };
    const steps = ['assess', 'dispatch', 'rectify', 'verify', 'close'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<keyof typeof auth>('safety-a', 'regulator-z'),
        fc.constantFrom(...steps),
        fc.oneof(fc.constant(String(hazardId)), hostile),
        body,
        fc.dictionary(
          fc.constantFrom(
            'enterprise',
            'region',
            'from',
            'to',
            'format',
            'state',
            'limit',
            'page',
            'pageSize',
          ),
          hostile,
        ),
        async (user, step, id, payload, query) => {
          const qs = new URLSearchParams(query).toString();
          const reqs = [
            {
              method: 'POST' as const,
              url: `/api/hazards/${encodeURIComponent(id)}/${step}`,
              payload: payload as never,
            },
            { method: 'POST' as const, url: '/api/hazards', payload: payload as never },
            { method: 'GET' as const, url: `/api/hazards?${qs}` },
            { method: 'GET' as const, url: `/api/hazards/${encodeURIComponent(id)}` },
            { method: 'GET' as const, url: `/api/audit/permits?${qs}` },
            { method: 'GET' as const, url: `/api/reports/weekly?${qs}` },
            { method: 'GET' as const, url: `/api/reports/hazard-list?${qs}` },
            { method: 'GET' as const, url: `/api/reports/risk-grades?${qs}` },
          ];
          for (const r of reqs) {
            const res = await h.app.inject({ ...r, headers: { authorization: auth[user] } });
            expect(res.statusCode, `${r.method} ${r.url}`).toBeLessThan(500);
            if (res.statusCode >= 400) expect(res.json().code, `${r.method} ${r.url}`).toMatch(/^JH_ERR_/);
          }
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });
});
