import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { draftPermit, type DraftInput } from '../../src/work/permits/domain/create.ts';
import {
  evaluateGas,
  gasTestedToday,
  gasVerdict,
  maxValidityMs,
  overlapsNight,
  requiredAuthority,
  retestAfterBreakMs,
} from '../../src/work/permits/domain/rules.ts';
import * as sm from '../../src/work/permits/domain/state-machine.ts';
import type { GasTest, Permit } from '../../src/work/permits/domain/types.ts';
import { draftInput } from '../helpers/draft-input.ts';
import { thrownCode } from '../helpers/thrown-code.ts';

const H = 3600_000;
const MIN = 60_000;
const NIGHT = { startHour: 20, endHour: 6, utcOffsetMinutes: 480 };
// 2026-01-05 10:00 Beijing
const T0 = Date.UTC(2026, 0, 5, 2, 0, 0);

const input = (over: Partial<DraftInput> = {}): DraftInput =>
  draftInput({
    number: 'DH-1',
    kind: 'hot_work',
    level: 'level2',
    location: '平台',
    validFrom: T0,
    validTo: T0 + 4 * H,
    ...over,
  });

const gas = (takenAt: number, passed = true): GasTest => ({
  id: takenAt,
  permitId: 'p1',
  takenAt,
  analyst: 'a',
  o2Pct: 20.9,
  combustiblePct: 0.1,
  h2sPpm: null,
  coPpm: null,
  passed,
  failures: passed ? [] : ['x'],
});

const applicant = { userId: 9, username: 'safety' };
const approver = (authority: 'unit' | 'safety_dept' | 'leader') => ({
  userId: 7,
  username: 'appr',
  authority,
});

function approved(over: Partial<DraftInput> = {}): Permit {
  const p = draftPermit(input(over), T0, NIGHT);
  const s = sm.submit(p, applicant, T0);
  return sm.approve(s, approver('leader'), T0);
}

describe('validity and escalation', () => {
  it('limits windows by level: 8 h / 8 h / 72 h / 24 h', () => {
    expect(maxValidityMs('hot_work', 'special')).toBe(8 * H);
    expect(maxValidityMs('hot_work', 'level1')).toBe(8 * H);
    expect(maxValidityMs('hot_work', 'level2')).toBe(72 * H);
    expect(maxValidityMs('confined_space', null)).toBe(24 * H);
    expect(
      thrownCode(() => draftPermit(input({ level: 'level1', validTo: T0 + 8 * H + 1 }), T0, NIGHT)),
    ).toBe('JH_ERR_PERMIT_VALIDITY_TOO_LONG');
    expect(
      thrownCode(() =>
        draftPermit(input({ kind: 'confined_space', level: null, validTo: T0 + 25 * H }), T0, NIGHT),
      ),
    ).toBe('JH_ERR_PERMIT_VALIDITY_TOO_LONG');
    expect(thrownCode(() => draftPermit(input({ validTo: T0 }), T0, NIGHT))).toBe('JH_ERR_PERMIT_BAD_WINDOW');
  });

  it('raises the level by one for holidays and nights, and then applies the stricter limit', () => {
    expect(draftPermit(input({ holiday: true }), T0, NIGHT)).toMatchObject({
      level: 'level1',
      escalatedBecause: ['holiday'],
    });
    expect(draftPermit(input({ level: 'level1', holiday: true }), T0, NIGHT).level).toBe('special');
    expect(draftPermit(input({ level: 'special', holiday: true }), T0, NIGHT).level).toBe('special');
    // a 72 h level-2 window crosses nights → level 1 → 8 h limit
    expect(thrownCode(() => draftPermit(input({ validTo: T0 + 72 * H }), T0, NIGHT))).toBe(
      'JH_ERR_PERMIT_VALIDITY_TOO_LONG',
    );
  });

  it('detects night exactly at local hour boundaries (Beijing 20:00–06:00)', () => {
    const local = (h: number, m = 0) => Date.UTC(2026, 0, 5, h - 8, m);
    expect(overlapsNight(local(10), local(19, 59), NIGHT)).toBe(false);
    expect(overlapsNight(local(10), local(20, 0), NIGHT)).toBe(false); // ends exactly at 20:00
    expect(overlapsNight(local(10), local(20, 1), NIGHT)).toBe(true);
    expect(overlapsNight(local(5, 59), local(7), NIGHT)).toBe(true);
    expect(overlapsNight(local(6), local(7), NIGHT)).toBe(false);
  });

  it('night overlap agrees with a minute-by-minute scan (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 * 24 * 60 }),
        fc.integer({ min: 1, max: 30 * 60 }),
        (startMin, lenMin) => {
          const from = T0 + startMin * MIN;
          const to = from + lenMin * MIN;
          let brute = false;
          for (let t = from; t < to; t += MIN) {
            const h = new Date(t + 480 * MIN).getUTCHours();
            if (h >= 20 || h < 6) brute = true;
          }
          return overlapsNight(from, to, NIGHT) === brute;
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('approval authority', () => {
  it('maps levels to approvers', () => {
    expect(requiredAuthority({ kind: 'hot_work', level: 'special', toxicRisk: false })).toBe('leader');
    expect(requiredAuthority({ kind: 'hot_work', level: 'level1', toxicRisk: false })).toBe('safety_dept');
    expect(requiredAuthority({ kind: 'hot_work', level: 'level2', toxicRisk: false })).toBe('unit');
    expect(requiredAuthority({ kind: 'confined_space', level: null, toxicRisk: false })).toBe('unit');
    expect(requiredAuthority({ kind: 'confined_space', level: null, toxicRisk: true })).toBe('leader');
  });

  it('refuses too-low authority, no authority and self-approval', () => {
    const s = sm.submit(draftPermit(input({ level: 'level1' }), T0, NIGHT), applicant, T0);
    expect(thrownCode(() => sm.approve(s, approver('unit'), T0))).toBe('JH_ERR_PERMIT_APPROVER_AUTHORITY');
    expect(thrownCode(() => sm.approve(s, { userId: 7, username: 'x' }, T0))).toBe(
      'JH_ERR_PERMIT_APPROVER_AUTHORITY',
    );
    expect(thrownCode(() => sm.approve(s, { ...applicant, authority: 'leader' }, T0))).toBe(
      'JH_ERR_PERMIT_SELF_APPROVAL',
    );
    expect(sm.approve(s, approver('safety_dept'), T0).state).toBe('approved');
    expect(sm.approve(s, approver('leader'), T0).state).toBe('approved');
  });

  it('refuses to submit without workers or cameras (无监控不作业)', () => {
    expect(thrownCode(() => sm.submit(draftPermit(input({ cameraIds: [] }), T0, NIGHT), applicant, T0))).toBe(
      'JH_ERR_PERMIT_NO_CAMERA',
    );
    expect(thrownCode(() => sm.submit(draftPermit(input({ workers: [] }), T0, NIGHT), applicant, T0))).toBe(
      'JH_ERR_PERMIT_NO_WORKERS',
    );
  });
});

describe('gas analysis', () => {
  it('applies 0.5% / 0.2% by LEL and O2 19.5–21% for confined spaces', () => {
    const r = { o2Pct: 20.9, combustiblePct: 0.3, h2sPpm: null, coPpm: null };
    expect(evaluateGas('hot_work', null, r).passed).toBe(true);
    expect(evaluateGas('hot_work', 5, r).passed).toBe(true);
    expect(evaluateGas('hot_work', 3.5, r).passed).toBe(false);
    expect(evaluateGas('confined_space', null, { ...r, o2Pct: 19.4 }).failures[0]).toMatch(/O2/);
    expect(evaluateGas('confined_space', null, { ...r, o2Pct: 21.5 }).passed).toBe(false);
    expect(evaluateGas('confined_space', null, { ...r, o2Pct: null }).passed).toBe(false);
    expect(evaluateGas('confined_space', null, { ...r, h2sPpm: 12 }).passed).toBe(false);
    expect(evaluateGas('confined_space', null, { ...r, coPpm: 30 }).passed).toBe(false);
  });

  it('needs a passing sample at most 30 minutes old; a later failure wins', () => {
    expect(gasVerdict([], T0)).toBe('missing');
    expect(gasVerdict([gas(T0 - 30 * MIN)], T0)).toBe('ok');
    expect(gasVerdict([gas(T0 - 31 * MIN)], T0)).toBe('missing');
    expect(gasVerdict([gas(T0 - 10 * MIN), gas(T0 - 5 * MIN, false)], T0)).toBe('failed');
    expect(gasVerdict([gas(T0 + 5 * MIN)], T0)).toBe('missing'); // future samples do not count
  });

  it('needs a passing gas test on each new local day (Beijing midnight = 16:00 UTC)', () => {
    const evening = Date.UTC(2026, 0, 5, 15, 0); // 23:00 Beijing
    const nextMorning = Date.UTC(2026, 0, 6, 0, 30); // 08:30 Beijing next day
    expect(gasTestedToday([gas(evening)], evening + 30 * MIN, 480)).toBe(true);
    expect(gasTestedToday([gas(evening)], nextMorning, 480)).toBe(false);
    expect(gasTestedToday([gas(evening), gas(nextMorning - MIN)], nextMorning, 480)).toBe(true);
    expect(
      gasTestedToday([gas(nextMorning - 2 * MIN), gas(nextMorning - MIN, false)], nextMorning, 480),
    ).toBe(false);
  });

  it('re-tests after breaks longer than 30 min (特级/一级) or 60 min (二级, confined)', () => {
    expect(retestAfterBreakMs({ kind: 'hot_work', level: 'special' })).toBe(30 * MIN);
    expect(retestAfterBreakMs({ kind: 'hot_work', level: 'level1' })).toBe(30 * MIN);
    expect(retestAfterBreakMs({ kind: 'hot_work', level: 'level2' })).toBe(60 * MIN);
    expect(retestAfterBreakMs({ kind: 'confined_space', level: null })).toBe(60 * MIN);
  });
});

describe('the gate in the state machine', () => {
  const ctx = (over: Partial<sm.WorkContext> = {}): sm.WorkContext => ({
    now: T0 + MIN,
    actor: { userId: 2, username: 'g' },
    gasTests: [gas(T0)],
    camerasDown: [],
    ...over,
  });

  it('starts only with every camera live, a guardian, a fresh gas test, inside the window', () => {
    const p = approved();
    expect(thrownCode(() => sm.start(p, ctx({ camerasDown: ['c1'] })))).toBe('JH_ERR_PERMIT_MONITORING_DOWN');
    expect(thrownCode(() => sm.start({ ...p, guardianUserId: null }, ctx()))).toBe(
      'JH_ERR_PERMIT_NO_GUARDIAN',
    );
    expect(thrownCode(() => sm.start(p, ctx({ gasTests: [] })))).toBe('JH_ERR_PERMIT_GAS_TEST_REQUIRED');
    expect(thrownCode(() => sm.start(p, ctx({ gasTests: [gas(T0, false)] })))).toBe(
      'JH_ERR_PERMIT_GAS_TEST_FAILED',
    );
    expect(thrownCode(() => sm.start(p, ctx({ now: T0 - MIN })))).toBe('JH_ERR_PERMIT_OUTSIDE_WINDOW');
    expect(thrownCode(() => sm.start(p, ctx({ now: T0 + 5 * H })))).toBe('JH_ERR_PERMIT_EXPIRED');
    expect(sm.start(p, ctx()).state).toBe('active');
  });

  it('needs every safety measure confirmed by a named person before start', () => {
    const p = approved({ measures: ['断电挂牌', '配备灭火器'] });
    expect(thrownCode(() => sm.start(p, ctx()))).toBe('JH_ERR_PERMIT_MEASURES_UNCONFIRMED');
    const one = sm.confirmMeasure(p, 0, { userId: 2, username: 'g' }, T0);
    expect(one.measures[0]).toMatchObject({ confirmedBy: 'g', confirmedAt: T0 });
    expect(thrownCode(() => sm.start(one, ctx()))).toBe('JH_ERR_PERMIT_MEASURES_UNCONFIRMED');
    expect(thrownCode(() => sm.confirmMeasure(one, 2, { userId: 2, username: 'g' }, T0))).toBe(
      'JH_ERR_PERMIT_NO_SUCH_MEASURE',
    );
    expect(sm.start(sm.confirmMeasure(one, 1, { userId: 2, username: 'g' }, T0), ctx()).state).toBe('active');
  });

  it('resumes after a short break without a new test, but a long break needs one taken since', () => {
    const clock = new FakeClock(T0 + MIN);
    const active = sm.start(approved(), ctx({ now: clock.now() }));
    const suspended = sm.suspend(active, clock.now(), {
      kind: 'monitoring_lost',
      cameraId: 'c1',
      state: 'offline',
      stateZh: '离线',
    });
    clock.advance(20 * MIN);
    expect(thrownCode(() => sm.resume(suspended, ctx({ now: clock.now(), camerasDown: ['c1'] })))).toBe(
      'JH_ERR_PERMIT_MONITORING_DOWN',
    );
    expect(sm.resume(suspended, ctx({ now: clock.now() })).state).toBe('active'); // 二级: 20 min < 60 min
    clock.advance(50 * MIN);
    expect(thrownCode(() => sm.resume(suspended, ctx({ now: clock.now() })))).toBe(
      'JH_ERR_PERMIT_GAS_RETEST_REQUIRED',
    );
    expect(
      sm.resume(suspended, ctx({ now: clock.now(), gasTests: [gas(T0), gas(clock.now() - MIN)] })).state,
    ).toBe('active');
  });

  it('completes only when nobody is inside, and terminal states accept nothing', () => {
    const active = sm.start(approved(), ctx());
    expect(thrownCode(() => sm.complete(active, applicant, T0 + 2 * MIN, 1))).toBe(
      'JH_ERR_PERMIT_ENTRY_UNBALANCED',
    );
    const done = sm.complete(active, applicant, T0 + 2 * MIN, 0);
    expect(done.state).toBe('completed');
    expect(thrownCode(() => sm.revoke(done, T0, 'x'))).toBe('JH_ERR_PERMIT_BAD_TRANSITION');
    expect(thrownCode(() => sm.suspend(done, T0, { kind: 'manual', note: 'x' }))).toBe(
      'JH_ERR_PERMIT_BAD_TRANSITION',
    );
  });

  it('expires past the window from any live state', () => {
    const p = approved();
    expect(sm.shouldExpire(p, T0 + 4 * H)).toBe(false);
    expect(sm.shouldExpire(p, T0 + 4 * H + 1)).toBe(true);
    const e = sm.expire(p, T0 + 5 * H);
    expect(e.state).toBe('expired');
    expect(thrownCode(() => sm.start(e, ctx({ now: T0 + 5 * H })))).toBe('JH_ERR_PERMIT_EXPIRED');
  });
});
