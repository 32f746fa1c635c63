import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/platform/shared/errors.ts';
import { confinedSpace } from '../../src/work/kinds/confined-space.ts';
import { hotWork } from '../../src/work/kinds/hot-work.ts';
import {
  buildKindRegistry,
  defineKind,
  KINDS,
  KindDefinitionError,
  type WorkKind,
} from '../../src/work/kinds/index.ts';
import { draftPermit, type DraftInput } from '../../src/work/permits/domain/create.ts';
import {
  evaluateGas,
  maxValidityMs,
  requiredAuthority,
  retestAfterBreakMs,
} from '../../src/work/permits/domain/rules.ts';
import * as sm from '../../src/work/permits/domain/state-machine.ts';
import type { GasTest } from '../../src/work/permits/domain/types.ts';

const H = 3600_000;
const MIN = 60_000;
const NIGHT = { startHour: 20, endHour: 6, utcOffsetMinutes: 480 };
const T0 = Date.UTC(2026, 0, 5, 2, 0, 0); // 2026-01-05 10:00 Beijing, a working morning

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    if (e instanceof Error) return e.name;
    throw e;
  }
  return 'no error';
};

describe('the registry of kinds', () => {
  it('lists the real kinds in order, with their number prefixes and all level ids', () => {
    expect(KINDS.ids).toEqual([
      'hot_work',
      'confined_space',
      'blind_plate',
      'work_at_height',
      'lifting',
      'temporary_power',
      'excavation',
      'road_closure',
      'gas_work',
    ]);
    expect(KINDS.list.map((k) => k.numberPrefix)).toEqual([
      'DH',
      'SX',
      'MB',
      'GC',
      'DZ',
      'LD',
      'DT',
      'DL',
      'MQ',
    ]);
    expect(KINDS.levelIds).toEqual([
      'special',
      'level1',
      'level2',
      'level4',
      'level3',
      'live_gas',
      'general',
    ]);
    expect(KINDS.kindOf('hot_work')).toBe(hotWork);
    expect(KINDS.find('nope')).toBeUndefined();
  });

  it('refuses unknown kinds and levels with coded errors', () => {
    expect(code(() => KINDS.kindOf('diving'))).toBe('JH_ERR_PERMIT_UNKNOWN_KIND');
    expect(code(() => KINDS.levelRules(hotWork, 'level4'))).toBe('JH_ERR_PERMIT_UNKNOWN_LEVEL');
    expect(code(() => KINDS.levelRules(hotWork, null))).toBe('JH_ERR_PERMIT_UNKNOWN_LEVEL');
    // a kind without levels has one rule set whatever level is asked
    expect(KINDS.levelRules(confinedSpace, null)).toBe(confinedSpace.ungraded);
  });

  it('summarises kinds for GET /api/permit-kinds (names, levels with their rules, checklist)', () => {
    const [hot, confined] = KINDS.summaries();
    expect(hot).toMatchObject({
      id: 'hot_work',
      numberPrefix: 'DH',
      name: { zh: '动火作业', en: 'Hot work' },
      shortName: { zh: '动火', en: 'Hot work' },
      levels: [
        { id: 'special', name: { zh: '特级', en: 'special' }, maxValidityHours: 8, authority: 'leader' },
        { id: 'level1', name: { zh: '一级', en: 'level 1' }, maxValidityHours: 8, authority: 'safety_dept' },
        { id: 'level2', name: { zh: '二级', en: 'level 2' }, maxValidityHours: 72, authority: 'unit' },
      ],
      ungraded: null,
      guardianRequired: true,
      certificates: ['焊接与热切割作业'],
      gas: { mustMeasure: ['combustible'], requiredBeforeStart: 'always', freshMinutes: 30, exposure: null },
      enclosesLinkedWork: false,
      allowsOpenFlame: true,
    });
    expect(confined).toMatchObject({
      id: 'confined_space',
      levels: [],
      ungraded: { maxValidityHours: 24, authority: 'unit', retestAfterBreakMinutes: 60, videoRequired: true },
      toxicRiskAuthority: 'leader',
      gas: { continuousMinutes: 120 },
      enclosesLinkedWork: true,
    });
    for (const k of KINDS.summaries()) expect(k.measuresChecklist.length).toBeGreaterThanOrEqual(4);
  });

  it('refuses a kind registered twice or two kinds sharing a number prefix', () => {
    expect(() => buildKindRegistry([hotWork, hotWork])).toThrow(/registered twice/);
    expect(() => buildKindRegistry([hotWork, { ...confinedSpace, numberPrefix: 'DH' }])).toThrow(
      /share the number prefix DH/,
    );
  });

  it.each([
    ['an id that is not snake_case', { id: 'Hot-Work' }],
    ['a lower-case number prefix', { numberPrefix: 'dh' }],
    ['no levels and no ungraded rules', { levels: [], ungraded: null, escalatesOn: [] }],
    ['levels and ungraded rules both', { ungraded: confinedSpace.ungraded }],
    ['escalation without levels', { levels: [], ungraded: confinedSpace.ungraded }],
    ['a repeated level id', { levels: [hotWork.levels[0]!, hotWork.levels[0]!] }],
    ['a zero validity', { levels: [{ ...hotWork.levels[0]!, maxValidityMs: 0 }] }],
  ] as [string, Partial<WorkKind>][])('defineKind refuses %s', (_why, over) => {
    expect(() => defineKind({ ...hotWork, ...over })).toThrow(KindDefinitionError);
  });
});

describe('the rules read each kind’s facts (table)', () => {
  it.each([
    // kind, level, toxic risk, max validity, authority, re-test after a break
    ['hot_work', 'special', false, 8 * H, 'leader', 30 * MIN],
    ['hot_work', 'level1', false, 8 * H, 'safety_dept', 30 * MIN],
    ['hot_work', 'level2', false, 72 * H, 'unit', 60 * MIN],
    ['hot_work', 'level2', true, 72 * H, 'unit', 60 * MIN], // toxic risk does not move hot work
    ['confined_space', null, false, 24 * H, 'unit', 60 * MIN],
    ['confined_space', null, true, 24 * H, 'leader', 60 * MIN],
  ] as const)('%s %s (toxic %s): %d ms, %s, re-test %d ms', (kind, level, toxicRisk, maxMs, auth, retest) => {
    expect(maxValidityMs(kind, level)).toBe(maxMs);
    expect(requiredAuthority({ kind, level, toxicRisk })).toBe(auth);
    expect(retestAfterBreakMs({ kind, level })).toBe(retest);
  });

  const clean = { o2Pct: null, combustiblePct: 0.1, h2sPpm: null, coPpm: null };
  it.each([
    // kind, reading, passes, first failure
    ['hot_work', clean, true, undefined],
    ['confined_space', clean, false, 'O2 not measured'],
    ['confined_space', { ...clean, o2Pct: 20.9 }, true, undefined],
    ['hot_work', { ...clean, o2Pct: 19 }, false, 'O2 19% outside 19.5-21%'], // measured: checked
    ['hot_work', { ...clean, combustiblePct: 0.6 }, false, 'combustible 0.6% > 0.5%'],
    ['confined_space', { ...clean, o2Pct: 20.9, h2sPpm: 8 }, false, 'H2S 8 ppm > 7 ppm'],
  ] as const)('gas for %s: %j → %s', (kind, reading, passed, failure) => {
    const v = evaluateGas(kind, null, reading);
    expect(v.passed).toBe(passed);
    expect(v.failures[0]).toBe(failure);
  });
});

/**
 * A kind that exists only here, declared the way a kind file declares one and registered the way
 * src/work/kinds/index.ts registers the real ones: one level, its own prefix, a CO-only gas rule with
 * a 10 min freshness, no guardian, escalation on nights only.
 */
const testWork = defineKind({
  id: 'test_work',
  numberPrefix: 'TW',
  label: { zh: '测试作业', en: 'Test work' },
  shortLabel: { zh: '测试', en: 'Test' },
  levels: [
    {
      id: 'only',
      zh: '唯一级',
      en: 'only level',
      maxValidityMs: 4 * H,
      authority: 'safety_dept',
      retestAfterBreakMs: 15 * MIN,
      videoRequired: true,
    },
  ],
  ungraded: null,
  escalatesOn: ['night'],
  toxicRiskAuthority: null,
  gas: {
    mustMeasure: ['co'],
    limits: { ...hotWork.gas.limits, coMaxPpm: 10 },
    requiredBeforeStart: 'always',
    freshMs: 10 * MIN,
    continuousMs: null,
    exposure: null,
  },
  guardian: { required: false },
  certificates: [],
  bindings: { machines: false, locks: false },
  supervision: { allowsOpenFlame: false },
  measuresChecklist: [{ zh: '测试措施', en: 'test measure' }],
  simops: { enclosesLinkedWork: false },
});
const registry = buildKindRegistry([hotWork, confinedSpace, testWork]);

const input = (over: Partial<DraftInput> = {}): DraftInput => ({
  id: 't1',
  number: 'TW-1',
  enterpriseId: 'ent-a',
  siteId: 'site-a',
  kind: 'test_work',
  level: 'only',
  location: '测试点',
  description: '',
  validFrom: T0,
  validTo: T0 + 3 * H,
  workers: [{ userId: 1, username: 'w', certificateNo: null }],
  guardianUserId: null,
  cameraIds: ['c1'],
  machineIds: [],
  lockIds: [],
  measures: [],
  linkedPermitIds: [],
  toxicRisk: false,
  lelPct: null,
  holiday: true, // hot work would escalate on it; this kind escalates on nights only
  specialCircumstance: false,
  ...over,
});

const coTest = (takenAt: number, coPpm: number | null): GasTest => {
  const v = evaluateGas('test_work', null, { o2Pct: null, combustiblePct: 0, h2sPpm: null, coPpm }, registry);
  return {
    id: takenAt,
    permitId: 't1',
    takenAt,
    analyst: 'a',
    o2Pct: null,
    combustiblePct: 0,
    h2sPpm: null,
    coPpm,
    ...v,
  };
};

describe('a fake kind, added as one value, goes through create → approve → start', () => {
  it('appears in the kinds list with its level, and only in the registry it was added to', () => {
    expect(registry.ids).toEqual(['hot_work', 'confined_space', 'test_work']);
    expect(registry.summaries().at(-1)).toMatchObject({
      id: 'test_work',
      numberPrefix: 'TW',
      name: { zh: '测试作业', en: 'Test work' },
      shortName: { zh: '测试', en: 'Test' },
      levels: [
        {
          id: 'only',
          name: { zh: '唯一级', en: 'only level' },
          maxValidityHours: 4,
          authority: 'safety_dept',
          videoRequired: true,
        },
      ],
      measuresChecklist: [{ zh: '测试措施', en: 'test measure' }],
    });
    expect(KINDS.find('test_work')).toBeUndefined();
    expect(code(() => draftPermit(input(), T0, NIGHT))).toBe('JH_ERR_PERMIT_UNKNOWN_KIND');
  });

  it('creates a draft under its own level and validity rules', () => {
    const p = draftPermit(input(), T0, NIGHT, registry);
    expect(p).toMatchObject({
      kind: 'test_work',
      level: 'only',
      requestedLevel: 'only',
      escalatedBecause: [],
    });
    expect(maxValidityMs('test_work', 'only', registry)).toBe(4 * H);
    expect(code(() => draftPermit(input({ validTo: T0 + 4 * H + 1 }), T0, NIGHT, registry))).toBe(
      'JH_ERR_PERMIT_VALIDITY_TOO_LONG',
    );
    expect(code(() => draftPermit(input({ level: null }), T0, NIGHT, registry))).toBe(
      'JH_ERR_PERMIT_LEVEL_REQUIRED',
    );
    expect(code(() => draftPermit(input({ level: 'special' }), T0, NIGHT, registry))).toBe(
      'JH_ERR_PERMIT_UNKNOWN_LEVEL',
    );
  });

  it('checks its own gas rule: CO must be measured and stay ≤ 10 ppm', () => {
    expect(coTest(T0, null).failures).toEqual(['CO not measured']);
    expect(coTest(T0, 12).failures).toEqual(['CO 12 ppm > 10 ppm']);
    expect(coTest(T0, 5).passed).toBe(true);
  });

  it('is approved by its level’s authority and started without a guardian, on a 10-min-fresh CO test', () => {
    const applicant = { userId: 9, username: 'safety' };
    const draft = draftPermit(input(), T0, NIGHT, registry);
    const submitted = sm.submit(draft, applicant, T0, registry);
    expect(code(() => sm.submit({ ...draft, cameraIds: [] }, applicant, T0, registry))).toBe(
      'JH_ERR_PERMIT_NO_CAMERA',
    );
    expect(
      code(() => sm.approve(submitted, { userId: 7, username: 'u', authority: 'unit' }, T0, registry)),
    ).toBe('JH_ERR_PERMIT_APPROVER_AUTHORITY');
    const approved = sm.approve(
      submitted,
      { userId: 7, username: 'appr', authority: 'safety_dept' },
      T0,
      registry,
    );
    expect(approved.state).toBe('approved');
    const ctx = (gasTests: GasTest[]): sm.WorkContext => ({
      now: T0 + 20 * MIN,
      actor: { userId: 1, username: 'w' },
      gasTests,
      camerasDown: [],
      kinds: registry,
    });
    // 11 min old is stale for this kind (hot work would accept it: 30 min)
    expect(code(() => sm.start(approved, ctx([coTest(T0 + 9 * MIN, 5)])))).toBe(
      'JH_ERR_PERMIT_GAS_TEST_REQUIRED',
    );
    expect(code(() => sm.start(approved, ctx([coTest(T0 + 15 * MIN, 12)])))).toBe(
      'JH_ERR_PERMIT_GAS_TEST_FAILED',
    );
    const active = sm.start(approved, ctx([coTest(T0 + 15 * MIN, 5)]));
    expect(active).toMatchObject({ state: 'active', guardianUserId: null });
  });
});
