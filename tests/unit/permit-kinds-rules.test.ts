import { describe, expect, it } from 'vitest';
import { gasWork } from '../../src/work/kinds/gas-work.ts';
import { defineKind, KINDS, KindDefinitionError } from '../../src/work/kinds/index.ts';
import { draftPermit, type DraftInput } from '../../src/work/permits/domain/create.ts';
import {
  evaluateGas,
  evaluateGasAll,
  exposureLimit,
  gasRequiredBeforeStart,
  maxValidityMs,
  requiredAuthority,
} from '../../src/work/permits/domain/rules.ts';
import {
  activeEnclosedBy,
  assertLinkable,
  gasKindsOf,
  hostsOf,
} from '../../src/work/permits/domain/simops.ts';
import * as sm from '../../src/work/permits/domain/state-machine.ts';
import type { GasTest, Permit } from '../../src/work/permits/domain/types.ts';
import { draftInput } from '../helpers/draft-input.ts';
import { thrownCode } from '../helpers/thrown-code.ts';

const H = 3600_000;
const MIN = 60_000;
const D = 24 * H;
const NIGHT = { startHour: 20, endHour: 6, utcOffsetMinutes: 480 };
const T0 = Date.UTC(2026, 0, 5, 2, 0, 0); // 10:00 Beijing, a working morning

const input = (over: Partial<DraftInput> = {}): DraftInput =>
  draftInput({
    number: 'X-1',
    kind: 'road_closure',
    level: null,
    location: '厂区',
    validFrom: T0,
    validTo: T0 + 2 * H,
    ...over,
  });

const approved = (over: Partial<DraftInput> = {}): Permit => ({
  ...draftPermit(input(over), T0, NIGHT),
  state: 'approved',
});

const sample = (takenAt: number, r: Partial<GasTest> = {}, kinds = ['gas_work']): GasTest => {
  const reading = { o2Pct: 20.9, combustiblePct: 0.1, h2sPpm: null, coPpm: 10, ...r };
  return {
    id: takenAt,
    permitId: 'p1',
    takenAt,
    analyst: 'a',
    ...reading,
    ...evaluateGasAll(kinds, null, reading),
  };
};

const ctx = (gasTests: GasTest[], now = T0, linked: Permit[] = []): sm.WorkContext => ({
  now,
  actor: { userId: 3, username: 'starter' },
  gasTests,
  camerasDown: [],
  linked,
});

describe('each new kind’s validity and authority (table)', () => {
  it.each([
    // kind, level, max validity, authority, video required
    ['blind_plate', null, 24 * H, 'unit', true],
    ['work_at_height', 'level4', D, 'leader', true],
    ['work_at_height', 'level3', D, 'safety_dept', true],
    ['work_at_height', 'level2', 7 * D, 'safety_dept', false],
    ['work_at_height', 'level1', 7 * D, 'unit', false],
    ['lifting', 'level1', D, 'leader', true],
    ['lifting', 'level2', D, 'safety_dept', true],
    ['lifting', 'level3', D, 'unit', false],
    ['temporary_power', null, 15 * D, 'unit', false],
    ['excavation', null, D, 'unit', false],
    ['road_closure', null, D, 'unit', false],
    ['gas_work', 'live_gas', 8 * H, 'leader', true],
    ['gas_work', 'general', D, 'safety_dept', true],
  ] as const)('%s %s: %d ms, %s, video %s', (kind, level, maxMs, authority, video) => {
    expect(maxValidityMs(kind, level)).toBe(maxMs);
    expect(requiredAuthority({ kind, level, toxicRisk: false })).toBe(authority);
    const k = KINDS.kindOf(kind);
    expect(KINDS.levelRules(k, level).videoRequired).toBe(video);
    expect(k.guardian.required).toBe(true);
  });

  it('高处 IV级 shows its 2014 name 特级; night raises I级 to II级, IV级 stays IV级', () => {
    const k = KINDS.kindOf('work_at_height');
    expect(k.levels[0]).toMatchObject({ id: 'level4', zh: 'IV级（特级）' });
    const night = draftPermit(
      input({ kind: 'work_at_height', level: 'level1', validFrom: T0 + 9 * H, validTo: T0 + 11 * H }),
      T0,
      NIGHT,
    );
    expect(night).toMatchObject({ requestedLevel: 'level1', level: 'level2', escalatedBecause: ['night'] });
    const special = draftPermit(
      input({ kind: 'work_at_height', level: 'level4', specialCircumstance: true }),
      T0,
      NIGHT,
    );
    expect(special.level).toBe('level4');
    // holidays are not a GB/T 3608 hazard factor
    expect(
      draftPermit(input({ kind: 'work_at_height', level: 'level1', holiday: true }), T0, NIGHT).level,
    ).toBe('level1');
  });

  it('refuses a window longer than the kind allows (临时用电 15 d)', () => {
    expect(
      thrownCode(() => draftPermit(input({ kind: 'temporary_power', validTo: T0 + 15 * D }), T0, NIGHT)),
    ).toBe('no error');
    expect(
      thrownCode(() => draftPermit(input({ kind: 'temporary_power', validTo: T0 + 15 * D + 1 }), T0, NIGHT)),
    ).toBe('JH_ERR_PERMIT_VALIDITY_TOO_LONG');
  });

  it('names the certificates the kinds need', () => {
    expect(KINDS.kindOf('temporary_power').certificates).toEqual(['电工作业']);
    expect(KINDS.kindOf('work_at_height').certificates).toEqual(['高处作业']);
    expect(KINDS.kindOf('gas_work').certificates).toEqual(['煤气作业']);
  });
});

describe('gas: hazardous media, and 煤气 CO bands (GB 6222-2005)', () => {
  it('a hazardous-media kind needs a sample only when the permit names flammable or toxic media', () => {
    const rule = KINDS.kindOf('blind_plate').gas;
    expect(gasRequiredBeforeStart(rule, { lelPct: null, toxicRisk: false })).toBe(false);
    expect(gasRequiredBeforeStart(rule, { lelPct: 5, toxicRisk: false })).toBe(true);
    expect(gasRequiredBeforeStart(rule, { lelPct: null, toxicRisk: true })).toBe(true);
    expect(gasRequiredBeforeStart(KINDS.kindOf('lifting').gas, { lelPct: 5, toxicRisk: true })).toBe(false);
    expect(thrownCode(() => sm.start(approved({ kind: 'blind_plate' }), ctx([])))).toBe('no error');
    expect(thrownCode(() => sm.start(approved({ kind: 'blind_plate', lelPct: 5 }), ctx([])))).toBe(
      'JH_ERR_PERMIT_GAS_TEST_REQUIRED',
    );
  });

  it.each([
    [24, null],
    [25, 60],
    [40, 60],
    [41, 30],
    [80, 30],
    [81, 15],
    [160, 15],
  ])('CO %d ppm → continuous work limited to %s min', (coPpm, minutes) => {
    const limit = exposureLimit(gasWork.gas, { coPpm, h2sPpm: null });
    expect(limit === null ? null : limit.maxContinuousMs / MIN).toBe(minutes);
  });

  it('煤气 samples must carry CO, O2 and combustible; above 160 ppm CO fails', () => {
    const clean = { o2Pct: 20.9, combustiblePct: 0.1, h2sPpm: null, coPpm: 10 };
    expect(evaluateGas('gas_work', null, clean).passed).toBe(true);
    expect(evaluateGas('gas_work', null, { ...clean, coPpm: null }).failures).toEqual(['CO not measured']);
    expect(evaluateGas('gas_work', null, { ...clean, o2Pct: null }).failures).toEqual(['O2 not measured']);
    expect(evaluateGas('gas_work', null, { ...clean, coPpm: 161 }).failures).toEqual([
      'CO 161 ppm > 160 ppm',
    ]);
  });

  it('a CO reading allowed only for short work refuses a longer window, and allows a short one', () => {
    const long = approved({ kind: 'gas_work', level: 'general', validTo: T0 + 2 * H });
    const at60 = [sample(T0 - 5 * MIN, { coPpm: 60 })];
    expect(thrownCode(() => sm.start(long, ctx(at60)))).toBe('JH_ERR_PERMIT_GAS_EXPOSURE_TOO_LONG');
    const short = approved({ kind: 'gas_work', level: 'general', validTo: T0 + 30 * MIN });
    expect(sm.start(short, ctx(at60)).state).toBe('active');
    // low CO: the whole 2 h window
    expect(sm.start(long, ctx([sample(T0 - 5 * MIN, { coPpm: 20 })])).state).toBe('active');
  });

  it('a time-limited spell needs 2 h rest before the next (resume)', () => {
    const p = approved({ kind: 'gas_work', level: 'general', validTo: T0 + 4 * H });
    const suspended: Permit = { ...p, state: 'suspended', suspendedAt: T0 };
    const now = T0 + 3 * H + 40 * MIN; // 20 min left in the window, 3 h 40 min since the stop
    const lowAfter = [sample(now - 5 * MIN, { coPpm: 70 })];
    expect(sm.resume(suspended, ctx(lowAfter, now)).state).toBe('active');
    const early = T0 + 50 * MIN;
    const shortWindow: Permit = { ...suspended, validTo: early + 20 * MIN };
    expect(thrownCode(() => sm.resume(shortWindow, ctx([sample(early - MIN, { coPpm: 70 })], early)))).toBe(
      'JH_ERR_PERMIT_GAS_EXPOSURE_REST',
    );
  });

  it('a kind with no gas rule resumes after a long break without a sample', () => {
    const p: Permit = {
      ...approved({ kind: 'road_closure', validTo: T0 + 10 * H }),
      state: 'suspended',
      suspendedAt: T0,
    };
    expect(sm.resume(p, ctx([], T0 + 5 * H)).state).toBe('active');
  });

  it('defineKind refuses exposure bands that do not ascend, or end short of the limit', () => {
    const bands = gasWork.gas.exposure!.bands;
    const withBands = (b: typeof bands) =>
      defineKind({ ...gasWork, gas: { ...gasWork.gas, exposure: { ...gasWork.gas.exposure!, bands: b } } });
    expect(() => withBands([bands[1]!, bands[0]!, bands[2]!, bands[3]!])).toThrow(KindDefinitionError);
    expect(() => withBands(bands.slice(0, 3))).toThrow(/end at the gas limit/);
    expect(() => defineKind({ ...gasWork, gas: { ...gasWork.gas, mustMeasure: ['o2'] } })).toThrow(
      /must be in gas.mustMeasure/,
    );
  });
});

describe('交叉作业 SIMOPS: 动火 inside a 受限空间', () => {
  const space = (state: Permit['state']): Permit => ({
    ...approved({
      id: 'cs',
      number: 'SX-1',
      kind: 'confined_space',
      linkedPermitIds: ['hw'],
      validTo: T0 + 8 * H,
    }),
    state,
  });
  const hot = (over: Partial<DraftInput> = {}) =>
    approved({
      id: 'hw',
      number: 'DH-1',
      kind: 'hot_work',
      level: 'level2',
      linkedPermitIds: ['cs'],
      ...over,
    });
  const hotSample = (r: Partial<GasTest>) => sample(T0 - 5 * MIN, r, ['hot_work']);

  it('links only permits of the same enterprise and site that are not finished', () => {
    expect(thrownCode(() => assertLinkable(hot(), space('approved')))).toBe('no error');
    expect(thrownCode(() => assertLinkable(hot(), { ...space('approved'), siteId: 'site-b' }))).toBe(
      'JH_ERR_PERMIT_BAD_LINK',
    );
    expect(thrownCode(() => assertLinkable(hot(), { ...space('approved'), enterpriseId: 'ent-b' }))).toBe(
      'JH_ERR_PERMIT_BAD_LINK',
    );
    expect(thrownCode(() => assertLinkable(hot(), space('completed')))).toBe('JH_ERR_PERMIT_BAD_LINK');
    expect(thrownCode(() => assertLinkable(hot(), hot()))).toBe('JH_ERR_PERMIT_BAD_LINK');
  });

  it('the confined space hosts the hot work, not the other way round', () => {
    expect(hostsOf(hot(), [space('active')]).map((p) => p.id)).toEqual(['cs']);
    expect(hostsOf(space('active'), [hot()])).toEqual([]);
    expect(gasKindsOf(hot(), [space('active')])).toEqual(['hot_work', 'confined_space']);
    expect(activeEnclosedBy(space('active'), [{ ...hot(), state: 'active' }]).map((p) => p.id)).toEqual([
      'hw',
    ]);
    expect(activeEnclosedBy(space('active'), [hot()])).toEqual([]); // approved, not working
  });

  it('hot work inside starts only while the space is active, and meets its O2 rule too', () => {
    const ok = hotSample({ o2Pct: 20.9 });
    expect(thrownCode(() => sm.start(hot(), ctx([ok], T0, [space('approved')])))).toBe(
      'JH_ERR_PERMIT_HOST_NOT_ACTIVE',
    );
    expect(thrownCode(() => sm.start(hot(), ctx([ok], T0, [space('suspended')])))).toBe(
      'JH_ERR_PERMIT_HOST_NOT_ACTIVE',
    );
    expect(sm.start(hot(), ctx([ok], T0, [space('active')])).state).toBe('active');
    // a sample that passes hot work alone (no O2) fails the confined-space rule
    const noO2 = hotSample({ o2Pct: null });
    expect(noO2.passed).toBe(true);
    expect(thrownCode(() => sm.start(hot(), ctx([noO2], T0, [space('active')])))).toBe(
      'JH_ERR_PERMIT_GAS_TEST_FAILED',
    );
    expect(sm.start(hot(), ctx([noO2])).state).toBe('active'); // unlinked: hot work's own rule only
    // and resume waits for the host too
    const suspended: Permit = { ...hot(), state: 'suspended', suspendedAt: T0 };
    expect(thrownCode(() => sm.resume(suspended, ctx([ok], T0 + MIN, [space('suspended')])))).toBe(
      'JH_ERR_PERMIT_HOST_NOT_ACTIVE',
    );
  });
});
