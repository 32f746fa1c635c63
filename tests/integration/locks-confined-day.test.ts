import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startPermitsHarness, type PermitsHarness } from './permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

const MIN = 60_000;
let h: PermitsHarness;
let permitId: string;
const unlock = () => call(h, 'guardian-a', 'POST', '/api/locks/L1/unlock', { permitId });
const lockEvent = (body: Record<string, unknown>) => call(h, 'admin-a', 'POST', '/api/locks/L1/events', body);
const entry = (person: string, direction: 'in' | 'out') =>
  call(h, 'guardian-a', 'POST', '/api/locks/L1/entries', {
    permitId,
    person,
    direction,
    tools: '气体检测仪',
  });
const outbox = (type: string) =>
  (h.services.db.prepare('SELECT payload FROM outbox WHERE type = ?').all(type) as { payload: string }[]).map(
    (r) => JSON.parse(r.payload) as Record<string, unknown>,
  );

beforeAll(async () => {
  h = await startPermitsHarness();
});
afterAll(async () => h?.close());

describe('the confined-space day with 加锁赋码', () => {
  it('registers the entrance lock and a toxic-risk permit that needs the principal’s approval', async () => {
    const lock = await call(h, 'admin-a', 'POST', '/api/locks', {
      id: 'L1',
      name: '3号煤气柜入口',
      siteId: 'site-a',
      code: 'SXLOCK-0001',
      cameraId: 'cam-tank',
    });
    expect(lock.status).toBe(201);
    const body = permitBody(
      h.clock.now(),
      {
        kind: 'confined_space',
        location: '3号煤气柜',
        cameraIds: ['cam-tank'],
        lockIds: ['L1'],
        toxicRisk: true,
        measures: ['强制通风30分钟', '佩戴正压式空气呼吸器'],
      },
      6 * 60 * MIN,
    );
    const p = await call(h, 'safety-a', 'POST', '/api/permits', body);
    expect(p.status).toBe(201);
    permitId = p.body.id as string;
    expect(p.body.number).toMatch(/^SX-/);
    await call(h, 'safety-a', 'POST', `/api/permits/${permitId}/submit`);
    await call(h, 'admin-a', 'PUT', '/api/approvers/approver-a/authority', { authority: 'unit' });
    expect((await call(h, 'approver-a', 'POST', `/api/permits/${permitId}/approve`)).body.code).toBe(
      'JH_ERR_PERMIT_APPROVER_AUTHORITY',
    );
    await call(h, 'admin-a', 'PUT', '/api/approvers/approver-a/authority', { authority: 'leader' });
    expect((await call(h, 'approver-a', 'POST', `/api/permits/${permitId}/approve`)).body.state).toBe(
      'approved',
    );
    for (const i of [0, 1])
      await call(h, 'guardian-a', 'POST', `/api/permits/${permitId}/measures/${i}/confirm`);
  });

  it('keeps the lock shut until gas, guardian and camera are all right', async () => {
    expect((await call(h, 'safety-a', 'POST', '/api/locks/L1/unlock', { permitId })).body.code).toBe(
      'JH_ERR_AUTH_FORBIDDEN',
    );
    expect((await unlock()).body.code).toBe('JH_ERR_LOCK_GAS_NOT_OK');
    const bad = await call(h, 'guardian-a', 'POST', `/api/permits/${permitId}/gas-tests`, {
      analyst: '李',
      o2Pct: 19.0,
      combustiblePct: 0.1,
      h2sPpm: 1,
      coPpm: 5,
    });
    expect(bad.body).toMatchObject({ passed: false });
    expect((await unlock()).body).toMatchObject({
      code: 'JH_ERR_LOCK_GAS_NOT_OK',
      details: { verdict: 'failed' },
    });
    h.clock.advance(10 * MIN); // ventilate, then test again
    await call(h, 'guardian-a', 'POST', `/api/permits/${permitId}/gas-tests`, {
      analyst: '李',
      o2Pct: 20.6,
      combustiblePct: 0.05,
      h2sPpm: 0,
      coPpm: 2,
    });
    expect((await unlock()).body.code).toBe('JH_ERR_LOCK_GUARDIAN_ABSENT');
    expect((await call(h, 'guardian-a', 'POST', `/api/permits/${permitId}/guardian/check-in`)).status).toBe(
      204,
    );
    expect((await unlock()).body.code).toBe('JH_ERR_LOCK_CAMERA_OFFLINE');
    h.health('cam-tank', 'online');
    const granted = await unlock();
    expect(granted.status).toBe(200);
    expect(granted.body.permitState).toBe('active');

    expect((await lockEvent({ event: 'opened', grantId: granted.body.grantId })).body.authorised).toBe(true);
    await lockEvent({ event: 'closed' });
    // a grant opens the lock once; reuse and no grant are violations
    expect((await lockEvent({ event: 'opened', grantId: granted.body.grantId })).body.authorised).toBe(false);
    // the same report again while that breach stands is folded (#23): no second alarm, no row
    expect((await lockEvent({ event: 'opened' })).body.authorised).toBe(false);
    expect(outbox('lock.violationDetected')).toHaveLength(1);
    await lockEvent({ event: 'closed' });
    expect((await lockEvent({ event: 'opened' })).body.authorised).toBe(false);
    expect(outbox('lock.violationDetected')).toHaveLength(2);
    const log = await call(h, 'safety-a', 'GET', '/api/locks/L1/events');
    expect((log.body as unknown as { authorised: boolean }[]).map((e) => e.authorised)).toEqual([
      false,
      true,
      false,
      true,
      true,
    ]);
  });

  it('suspends confined-space work when gas monitoring is not logged for 2 hours', async () => {
    h.clock.advance(2 * 60 * MIN + MIN);
    expect(h.mod.permits.sweep()).toEqual({ expired: 0, gasOverdue: 1 });
    const d = await call(h, 'safety-a', 'GET', `/api/permits/${permitId}`);
    expect(d.body.permit).toMatchObject({
      state: 'suspended',
      suspendReason: expect.stringContaining('gas_monitoring_overdue'),
    });
    await call(h, 'guardian-a', 'POST', `/api/permits/${permitId}/gas-tests`, {
      analyst: '李',
      o2Pct: 20.6,
      combustiblePct: 0,
      h2sPpm: 0,
      coPpm: 1,
    });
    expect((await call(h, 'guardian-a', 'POST', `/api/permits/${permitId}/resume`)).body.state).toBe(
      'active',
    );
    expect(h.mod.permits.sweep()).toEqual({ expired: 0, gasOverdue: 0 });
  });

  it('logs every entry and exit; the count must balance before completion', async () => {
    expect((await entry('welder-a', 'in')).body.inside).toBe(1);
    expect((await entry('张三', 'in')).body.inside).toBe(2);
    expect((await entry('nobody', 'out')).body.code).toBe('JH_ERR_LOCK_EXIT_WITHOUT_ENTRY');
    expect((await call(h, 'guardian-a', 'POST', `/api/permits/${permitId}/complete`)).body).toMatchObject({
      code: 'JH_ERR_PERMIT_ENTRY_UNBALANCED',
      details: { peopleInside: 2 },
    });
    await entry('welder-a', 'out');
    expect((await entry('张三', 'out')).body.inside).toBe(0);
    const log = await call(h, 'safety-a', 'GET', `/api/permits/${permitId}/entries`);
    expect(log.body).toHaveLength(4);
  });

  it('suspends when the guardian leaves, and completes with everyone out', async () => {
    await call(h, 'guardian-a', 'POST', `/api/permits/${permitId}/guardian/check-out`);
    const d = await call(h, 'safety-a', 'GET', `/api/permits/${permitId}`);
    expect(d.body.permit).toMatchObject({ state: 'suspended' });
    expect((await entry('welder-a', 'in')).body.code).toBe('JH_ERR_LOCK_PERMIT_NOT_ACTIVE');
    expect((await call(h, 'guardian-a', 'POST', `/api/permits/${permitId}/complete`)).body.state).toBe(
      'completed',
    );
    expect((await unlock()).body.code).toBe('JH_ERR_LOCK_PERMIT_NOT_APPROVED');
  });
});
