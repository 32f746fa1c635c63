import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChipsSim, type ChipsSimOptions } from '../../streams-sim/chips-sim.ts';
import {
  addMachineAndLock,
  approveWithGasTest,
  call,
  deviceCredential,
  startPermitsHarness,
  type PermitsHarness,
} from './permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

let h: PermitsHarness;
const outbox = (type: string) =>
  (h.services.db.prepare('SELECT payload FROM outbox WHERE type = ?').all(type) as { payload: string }[]).map(
    (r) => JSON.parse(r.payload) as Record<string, unknown>,
  );
const until = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const opts = (over: Partial<ChipsSimOptions>): ChipsSimOptions => ({
  url: h.mqtt!.url,
  prefix: 'jianhu',
  site: 'site-a',
  machine: 'M1',
  lock: 'L1',
  scenario: 'demo',
  authorisation: null,
  intervalMs: 30,
  ticks: 2,
  log: () => {},
  machineCredential: chipCred,
  lockCredential: lockCred,
  now: () => h.clock.now(),
  ...over,
});
let chipCred: Awaited<ReturnType<typeof deviceCredential>>;
let lockCred: Awaited<ReturnType<typeof deviceCredential>>;

beforeAll(async () => {
  h = await startPermitsHarness({ live: true });
  await addMachineAndLock(h, 'SXLOCK-1');
  chipCred = await deviceCredential(h, 'machine', 'M1');
  lockCred = await deviceCredential(h, 'lock', 'L1');
});
afterAll(async () => h?.close());

describe('jianhu sim chips (the chip and padlock simulator)', () => {
  it('no-permit: the simulated arc is flagged 无票动火', async () => {
    const sim = await startChipsSim(opts({ scenario: 'no-permit' }));
    await sim.done;
    await until(() => outbox('machine.violationDetected').length > 0);
    await sim.stop();
    expect(outbox('machine.violationDetected')[0]).toMatchObject({
      kind: 'no_permit_hot_work',
      machineId: 'M1',
    });
  });

  it('the simulated padlock opens with the grant the service sends after an approved unlock', async () => {
    const sim = await startChipsSim(opts({ ticks: 0 }));
    const body = permitBody(h.clock.now(), {
      kind: 'confined_space',
      location: '罐',
      cameraIds: ['cam-tank'],
      lockIds: ['L1'],
    });
    const p = await call(h, 'safety-a', 'POST', '/api/permits', body);
    const id = p.body.id as string;
    await approveWithGasTest(h, id, 'unit', { analyst: '李', o2Pct: 20.7, combustiblePct: 0 });
    await call(h, 'guardian-a', 'POST', `/api/permits/${id}/guardian/check-in`);
    h.health('cam-tank', 'online');
    expect((await call(h, 'guardian-a', 'POST', '/api/locks/L1/unlock', { permitId: id })).status).toBe(200);
    await until(() => outbox('lock.changed').some((e) => e.event === 'opened'));
    expect(outbox('lock.changed').find((e) => e.event === 'opened')).toMatchObject({
      authorised: true,
      permitId: id,
    });
    expect(outbox('lock.violationDetected')).toHaveLength(0);
    await sim.stop();
  });
});
