import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startPermitsHarness, type PermitsHarness } from './permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

// 持证上岗 through the real API: a hot-work permit (焊接与热切割作业) is refused at submit, at start and
// at resume while a named worker's card is missing, expired or past its 复审; a kind requiring no card
// (受限空间) is not. Dates entered as days are Shanghai days.
const MIN = 60_000;
const WELD = '焊接与热切割作业';
let h: PermitsHarness;
/** Moves the clock days on; sessions (12 h) expire with it, so everyone signs in again. */
function jumpTo(when: string): void {
  h.clock.set(Date.parse(when));
  const signIn = h.login as unknown as { forget(username: string): void };
  for (const u of ['safety-a', 'safety-b', 'approver-a', 'guardian-a']) signIn.forget(u);
}

beforeAll(async () => {
  // 2026-01-05 10:00 Shanghai; nobody certified
  h = await startPermitsHarness({ certified: [] });
  h.health('cam-weld', 'online');
  h.health('cam-tank', 'online');
  await call(h, 'admin-a', 'PUT', '/api/approvers/approver-a/authority', { authority: 'leader' });
});
afterAll(async () => h?.close());

async function hotWorkPermit(): Promise<string> {
  const body = permitBody(h.clock.now(), { location: '转炉平台' }, 8 * 60 * MIN);
  const p = await call(h, 'safety-a', 'POST', '/api/permits', body);
  expect(p.status).toBe(201);
  return p.body.id as string;
}
const act = (user: string, id: string, step: string) => call(h, user, 'POST', `/api/permits/${id}/${step}`);
const problem = (r: { body: Record<string, unknown> }) =>
  (r.body.details as { workers: Record<string, unknown>[] } | undefined)?.workers;

describe('certificates of the workers named on a permit', () => {
  let certId: number;
  let permitId: string;

  it('refuses to submit a hot-work permit for a worker without a welding card; a confined-space one goes', async () => {
    permitId = await hotWorkPermit();
    const r = await act('safety-a', permitId, 'submit');
    expect([r.status, r.body.code]).toEqual([409, 'JH_ERR_PERMIT_WORKER_UNCERTIFIED']);
    expect(problem(r)).toEqual([
      { userId: expect.any(Number), username: 'welder-a', category: WELD, reason: 'none', number: null },
    ]);
    const cs = await call(
      h,
      'safety-a',
      'POST',
      '/api/permits',
      permitBody(
        h.clock.now(),
        { kind: 'confined_space', location: '2号钢包', cameraIds: ['cam-tank'] },
        4 * 60 * MIN,
      ),
    );
    expect((await act('safety-a', cs.body.id as string, 'submit')).body.state).toBe('awaiting_approval');
  });

  it('takes dates as Shanghai days: 有效期至 2026-01-10 is valid until 2026-01-11 00:00 +08:00', async () => {
    const bad = await call(h, 'safety-a', 'POST', '/api/certificates', {
      username: 'welder-a',
      number: 'T-BAD',
      issuedAt: '2021-02-30',
      expiresAt: '2026-01-10',
    });
    expect([bad.status, bad.body.code]).toEqual([400, 'JH_ERR_CERT_BAD_DATES']);
    const typo = await call(h, 'safety-a', 'POST', '/api/certificates', {
      username: 'welder-a',
      number: 'T-TYPO',
      category: '焊接作业',
      issuedAt: '2021-02-01',
      expiresAt: '2026-01-10',
    });
    expect([typo.status, typo.body.code]).toEqual([400, 'JH_ERR_CERT_UNKNOWN_CATEGORY']);
    const c = await call(h, 'safety-a', 'POST', '/api/certificates', {
      username: 'welder-a',
      number: 'T140525198801011234',
      issuedAt: '2021-02-01',
      expiresAt: '2026-01-10',
      reviewDueAt: '2026-01-08',
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({
      category: WELD,
      issuedAt: '2021-01-31T16:00:00.000Z',
      expiresAt: '2026-01-10T16:00:00.000Z',
      reviewDueAt: '2026-01-08T16:00:00.000Z',
      status: 'expiring',
      username: 'welder-a',
    });
    certId = c.body.id as number;
    // the default 复审 date is the same day three years after issue
    const d = await call(h, 'safety-a', 'POST', '/api/certificates', {
      username: 'welder-a',
      number: 'G-0001',
      category: '高处作业',
      issuedAt: '2024-02-29',
      expiresAt: '2030-02-28',
    });
    expect(d.body.reviewDueAt).toBe('2027-03-01T16:00:00.000Z'); // through 2027-03-01 (29 Feb rolls over)
  });

  /** A hot-work permit created now, submitted, approved and gas tested a moment ago: ready to start. */
  async function approvedPermit(): Promise<string> {
    const id = await hotWorkPermit();
    expect((await act('safety-a', id, 'submit')).body.state).toBe('awaiting_approval');
    expect((await act('approver-a', id, 'approve')).body.state).toBe('approved');
    return id;
  }
  const gasTest = (id: string) =>
    call(h, 'guardian-a', 'POST', `/api/permits/${id}/gas-tests`, {
      analyst: '王分析',
      o2Pct: 20.9,
      combustiblePct: 0.1,
    });

  it('submits once certified, then refuses to start after the review date passed', async () => {
    jumpTo('2026-01-08T20:00:00+08:00');
    permitId = await approvedPermit();
    // 2026-01-09 00:00 Shanghai: the review was due by the end of 2026-01-08
    jumpTo('2026-01-09T00:00:00+08:00');
    await gasTest(permitId);
    const r = await act('guardian-a', permitId, 'start');
    expect([r.status, r.body.code]).toEqual([409, 'JH_ERR_PERMIT_WORKER_UNCERTIFIED']);
    expect(problem(r)).toEqual([
      expect.objectContaining({
        username: 'welder-a',
        reason: 'review_overdue',
        number: 'T140525198801011234',
      }),
    ]);
  });

  it('records a passed review (next due never past expiry), and the work may start', async () => {
    const future = await call(h, 'safety-a', 'POST', `/api/certificates/${certId}/reviews`, {
      reviewedAt: '2026-02-01',
    });
    expect(future.body.code).toBe('JH_ERR_CERT_BAD_REVIEW');
    const foreign = await call(h, 'safety-b', 'POST', `/api/certificates/${certId}/reviews`, {
      reviewedAt: '2026-01-08',
    });
    expect(foreign.status).toBe(404);
    const ok = await call(h, 'safety-a', 'POST', `/api/certificates/${certId}/reviews`, {
      reviewedAt: '2026-01-08',
    });
    expect(ok.status).toBe(201);
    expect(ok.body.review).toMatchObject({
      reviewedAt: '2026-01-07T16:00:00.000Z',
      previousDueAt: '2026-01-08T16:00:00.000Z',
      nextDueAt: '2026-01-10T16:00:00.000Z', // 2029-01-08 would be past 有效期至 2026-01-10
    });
    expect((ok.body.certificate as { status: string }).status).toBe('expiring');
    expect((await act('guardian-a', permitId, 'start')).body.state).toBe('active');
    expect((await act('guardian-a', permitId, 'complete')).body.state).toBe('completed');
  });

  it('works at 23:59 on the 有效期至 day and may not resume at 00:00 the day after', async () => {
    jumpTo('2026-01-10T20:00:00+08:00');
    const id = await approvedPermit();
    jumpTo('2026-01-10T23:59:00+08:00');
    await gasTest(id);
    expect((await act('guardian-a', id, 'start')).body.state).toBe('active');
    const paused = await call(h, 'guardian-a', 'POST', `/api/permits/${id}/suspend`, { reason: '交接班' });
    expect(paused.body.state).toBe('suspended');
    jumpTo('2026-01-11T00:00:00+08:00');
    await gasTest(id);
    const r = await act('guardian-a', id, 'resume');
    expect(r.body.code).toBe('JH_ERR_PERMIT_WORKER_UNCERTIFIED');
    expect(problem(r)).toEqual([expect.objectContaining({ category: WELD, reason: 'expired' })]);
    // and the machine-scan path agrees: the list shows the card expired
    const list = await call(h, 'safety-a', 'GET', '/api/certificates');
    const card = (list.body as unknown as { id: number; status: string }[]).find((c) => c.id === certId);
    expect(card?.status).toBe('expired');
  });
});
