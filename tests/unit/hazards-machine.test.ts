import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyAction,
  HAZARD_STATES,
  missingFive,
  overdueLevel,
  type HazardAction,
  type HazardSnapshot,
} from '../../src/oversight/hazards/hazard.machine.ts';
import { FakeClock } from '../../src/platform/shared/clock.ts';

const clock = new FakeClock(Date.UTC(2026, 0, 5, 8));
const HOUR = 3_600_000;
const manager = { userId: 1, canManage: true };
const worker = { userId: 7, canManage: false };
const base: HazardSnapshot = {
  state: 'registered',
  level: null,
  responsibleUserId: null,
  deadline: null,
  five: null,
  registeredBy: 1,
  rectifiedBy: null,
};
const step = (h: HazardSnapshot, a: HazardAction, actor = manager) => ({
  ...h,
  ...applyAction(h, a, actor, clock.now()),
});
const code = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
};
const fullFive = {
  measures: '停产整改',
  responsiblePerson: '厂长',
  funds: 0,
  deadline: new Date(clock.now() + 48 * HOUR).toISOString(),
  contingencyPlan: '预案',
};

describe('hazard state machine', () => {
  it('runs the loop and sends a failed review back to dispatched', () => {
    let h = step(base, { kind: 'assess', level: 'general' });
    h = step(h, { kind: 'dispatch', responsibleUserId: 7, deadline: clock.now() + HOUR });
    expect(h).toMatchObject({ state: 'dispatched', responsibleUserId: 7 });
    h = step(h, { kind: 'rectify', afterPhotos: 1 }, worker);
    expect(h).toMatchObject({ state: 'rectified', rectifiedBy: 7 });
    const back = step(h, { kind: 'verify', passed: false });
    expect(back).toMatchObject({ state: 'dispatched', rectifiedBy: null });
    h = step(h, { kind: 'verify', passed: true });
    expect(step(h, { kind: 'close' }).state).toBe('closed');
  });

  it('refuses every step out of order, whatever the state', () => {
    const actions: HazardAction[] = [
      { kind: 'assess', level: 'general' },
      { kind: 'dispatch', responsibleUserId: 7, deadline: clock.now() + HOUR },
      { kind: 'rectify', afterPhotos: 1 },
      { kind: 'verify', passed: true },
      { kind: 'close' },
    ];
    const allowed: Record<string, string[]> = {
      assess: ['registered', 'assessed'],
      dispatch: ['assessed'],
      rectify: ['dispatched'],
      verify: ['rectified'],
      close: ['verified'],
    };
    fc.assert(
      fc.property(fc.constantFrom(...HAZARD_STATES), fc.constantFrom(...actions), (state, a) => {
        const h = { ...base, state, level: 'general' as const, responsibleUserId: 9, rectifiedBy: 9 };
        const c = code(() => applyAction(h, a, manager, clock.now()));
        if (allowed[a.kind]!.includes(state)) expect(c).toBe('ok');
        else expect(c).toBe('JH_ERR_HAZARD_BAD_TRANSITION');
      }),
    );
  });

  it('needs all of 五到位 for a major hazard, and takes its deadline', () => {
    const h = step(base, { kind: 'assess', level: 'major', five: { measures: 'x' } });
    expect(missingFive(h.five)).toEqual(['responsiblePerson', 'funds', 'deadline', 'contingencyPlan']);
    expect(code(() => step(h, { kind: 'dispatch', responsibleUserId: 7 }))).toBe(
      'JH_ERR_HAZARD_FIVE_MISSING',
    );
    const d = step(h, { kind: 'dispatch', responsibleUserId: 7, five: fullFive });
    expect(d.deadline).toBe(Date.parse(fullFive.deadline));
  });

  it('refuses a past or missing deadline', () => {
    const h = step(base, { kind: 'assess', level: 'general' });
    expect(code(() => step(h, { kind: 'dispatch', responsibleUserId: 7 }))).toBe(
      'JH_ERR_HAZARD_DEADLINE_MISSING',
    );
    expect(code(() => step(h, { kind: 'dispatch', responsibleUserId: 7, deadline: clock.now() }))).toBe(
      'JH_ERR_HAZARD_DEADLINE_PAST',
    );
  });

  it('lets only the responsible person or a manager rectify, and never review their own work', () => {
    const d = step(step(base, { kind: 'assess', level: 'general' }), {
      kind: 'dispatch',
      responsibleUserId: 7,
      deadline: clock.now() + HOUR,
    });
    expect(code(() => step(d, { kind: 'rectify', afterPhotos: 1 }, { userId: 8, canManage: false }))).toBe(
      'JH_ERR_HAZARD_NOT_RESPONSIBLE',
    );
    expect(code(() => step(d, { kind: 'rectify', afterPhotos: 0 }, worker))).toBe(
      'JH_ERR_HAZARD_PHOTO_REQUIRED',
    );
    const r = step(d, { kind: 'rectify', afterPhotos: 1 }, { userId: 2, canManage: true });
    expect(code(() => step(r, { kind: 'verify', passed: true }, { userId: 2, canManage: true }))).toBe(
      'JH_ERR_HAZARD_SAME_VERIFIER',
    );
    expect(code(() => step(r, { kind: 'verify', passed: true }, { userId: 7, canManage: true }))).toBe(
      'JH_ERR_HAZARD_SAME_VERIFIER',
    );
    expect(code(() => step(r, { kind: 'verify', passed: true }, worker))).toBe('JH_ERR_HAZARD_FORBIDDEN');
  });

  it('escalates one level when overdue and one more per full day', () => {
    const h = { ...base, state: 'dispatched' as const, deadline: clock.now() };
    expect(overdueLevel(h, clock.now())).toBe(0);
    expect(overdueLevel(h, clock.now() + 1)).toBe(1);
    expect(overdueLevel(h, clock.now() + 24 * HOUR - 1)).toBe(1);
    expect(overdueLevel(h, clock.now() + 24 * HOUR)).toBe(2);
    expect(overdueLevel({ ...h, state: 'rectified' }, clock.now() + 99 * HOUR)).toBe(0);
  });
});
