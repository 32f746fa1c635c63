/**
 * The working day that bench:scan and bench:load both drive QR scans against, set up through the API
 * as people would: welder-a's certificate, a special hot-work permit for welder-a on machine M1 and
 * one camera, submitted, approved by a leader, and a passing gas test. With it every scan of M1's
 * code by welder-a is a full accepted scan (the path the benches measure), not an early rejection.
 */

/** Calls the service as `user`; throws on any status ≥ 300. */
export type BenchApi = (
  user: string,
  method: string,
  path: string,
  body?: unknown,
) => Promise<Record<string, unknown>>;

export async function approveHotWorkForScans(
  api: BenchApi,
  o: { now: number; certificateNumber: string; location: string; cameraId: string },
): Promise<void> {
  const iso = (ms: number) => new Date(ms).toISOString();
  await api('safety-a', 'POST', '/api/certificates', {
    username: 'welder-a',
    number: o.certificateNumber,
    issuedAt: iso(o.now - 86_400_000),
    expiresAt: iso(o.now + 3 * 365 * 86_400_000),
  });
  const permit = await api('safety-a', 'POST', '/api/permits', {
    siteId: 'site-a',
    kind: 'hot_work',
    level: 'special',
    location: o.location,
    validFrom: iso(o.now - 60_000),
    validTo: iso(o.now + 7 * 3600_000),
    workers: ['welder-a'],
    guardian: 'guardian-a',
    cameraIds: [o.cameraId],
    machineIds: ['M1'],
  });
  await api('safety-a', 'POST', `/api/permits/${permit.id}/submit`);
  await api('admin-a', 'PUT', '/api/approvers/approver-a/authority', { authority: 'leader' });
  await api('approver-a', 'POST', `/api/permits/${permit.id}/approve`);
  await api('guardian-a', 'POST', `/api/permits/${permit.id}/gas-tests`, {
    analyst: 'bench',
    combustiblePct: 0.1,
    o2Pct: 20.9,
  });
}
