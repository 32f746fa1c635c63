import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraHealth, HealthState } from '../../src/video/ingest/types.ts';
import { call, startPermitsHarness, type PermitsHarness } from './permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

let h: PermitsHarness;
const states = new Map<string, HealthState>();
const liveness = {
  current: (cameraId: string): CameraHealth | undefined => {
    const state = states.get(cameraId);
    return state ? { cameraId, state, reason: 'test', message: 'test', since: 0 } : undefined;
  },
};

beforeAll(async () => {
  h = await startPermitsHarness({ liveness });
});
afterAll(async () => h?.close());

describe('the gate’s safety net (no health event arrived)', () => {
  it('suspends an active permit whose camera stopped being live without an event, and records the gap', async () => {
    const p = await call(h, 'safety-a', 'POST', '/api/permits', permitBody(h.clock.now()));
    const id = p.body.id as string;
    await call(h, 'safety-a', 'POST', `/api/permits/${id}/submit`);
    await call(h, 'admin-a', 'PUT', '/api/approvers/approver-a/authority', { authority: 'unit' });
    await call(h, 'approver-a', 'POST', `/api/permits/${id}/approve`);
    await call(h, 'guardian-a', 'POST', `/api/permits/${id}/gas-tests`, {
      analyst: '王',
      combustiblePct: 0.1,
    });
    expect((await call(h, 'guardian-a', 'POST', `/api/permits/${id}/start`)).body.code).toBe(
      'JH_ERR_PERMIT_MONITORING_DOWN',
    );
    states.set('cam-weld', 'online');
    expect((await call(h, 'guardian-a', 'POST', `/api/permits/${id}/start`)).body.state).toBe('active');
    expect(h.mod.gate.sweepActive()).toBe(0);

    states.set('cam-weld', 'stalled'); // e.g. the event was lost, or the service restarted
    expect(h.mod.gate.sweepActive()).toBe(1);
    const d = await call(h, 'safety-a', 'GET', `/api/permits/${id}`);
    expect(d.body.permit).toMatchObject({ state: 'suspended' });
    expect(d.body.gaps).toEqual([
      expect.objectContaining({ cameraId: 'cam-weld', state: 'stalled', endedAt: null }),
    ]);
    expect(h.mod.gate.sweepActive()).toBe(0);
  });
});
