import { describe, expect, it } from 'vitest';
import { confinedSpace } from '../../src/work/kinds/confined-space.ts';
import { hotWork } from '../../src/work/kinds/hot-work.ts';
import {
  buildKindRegistry,
  defineKind,
  KINDS,
  KindDefinitionError,
  type WorkKind,
} from '../../src/work/kinds/index.ts';
import {
  evaluateGas,
  maxValidityMs,
  requiredAuthority,
  retestAfterBreakMs,
} from '../../src/work/permits/domain/rules.ts';
import { thrownCode } from '../helpers/thrown-code.ts';

const H = 3600_000;
const MIN = 60_000;

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
    expect(thrownCode(() => KINDS.kindOf('diving'))).toBe('JH_ERR_PERMIT_UNKNOWN_KIND');
    expect(thrownCode(() => KINDS.levelRules(hotWork, 'level4'))).toBe('JH_ERR_PERMIT_UNKNOWN_LEVEL');
    expect(thrownCode(() => KINDS.levelRules(hotWork, null))).toBe('JH_ERR_PERMIT_UNKNOWN_LEVEL');
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
