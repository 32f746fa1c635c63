import { describe, expect, it } from 'vitest';
import { confinedSpace } from '../../src/work/kinds/confined-space.ts';
import { hotWork } from '../../src/work/kinds/hot-work.ts';
import { buildKindRegistry, defineKind, KINDS } from '../../src/work/kinds/index.ts';
import { draftPermit, type DraftInput } from '../../src/work/permits/domain/create.ts';
import { evaluateGas, maxValidityMs } from '../../src/work/permits/domain/rules.ts';
import * as sm from '../../src/work/permits/domain/state-machine.ts';
import type { GasTest } from '../../src/work/permits/domain/types.ts';
import { draftInput } from '../helpers/draft-input.ts';
import { thrownCode } from '../helpers/thrown-code.ts';

const H = 3600_000;
const MIN = 60_000;
const NIGHT = { startHour: 20, endHour: 6, utcOffsetMinutes: 480 };
const T0 = Date.UTC(2026, 0, 5, 2, 0, 0); // 2026-01-05 10:00 Beijing, a working morning

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

const input = (over: Partial<DraftInput> = {}): DraftInput =>
  draftInput({
    id: 't1',
    number: 'TW-1',
    kind: 'test_work',
    level: 'only',
    location: '测试点',
    validFrom: T0,
    validTo: T0 + 3 * H,
    guardianUserId: null,
    holiday: true, // hot work would escalate on it; this kind escalates on nights only
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
    expect(thrownCode(() => draftPermit(input(), T0, NIGHT))).toBe('JH_ERR_PERMIT_UNKNOWN_KIND');
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
    expect(thrownCode(() => draftPermit(input({ validTo: T0 + 4 * H + 1 }), T0, NIGHT, registry))).toBe(
      'JH_ERR_PERMIT_VALIDITY_TOO_LONG',
    );
    expect(thrownCode(() => draftPermit(input({ level: null }), T0, NIGHT, registry))).toBe(
      'JH_ERR_PERMIT_LEVEL_REQUIRED',
    );
    expect(thrownCode(() => draftPermit(input({ level: 'special' }), T0, NIGHT, registry))).toBe(
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
    expect(thrownCode(() => sm.submit({ ...draft, cameraIds: [] }, applicant, T0, registry))).toBe(
      'JH_ERR_PERMIT_NO_CAMERA',
    );
    expect(
      thrownCode(() => sm.approve(submitted, { userId: 7, username: 'u', authority: 'unit' }, T0, registry)),
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
    expect(thrownCode(() => sm.start(approved, ctx([coTest(T0 + 9 * MIN, 5)])))).toBe(
      'JH_ERR_PERMIT_GAS_TEST_REQUIRED',
    );
    expect(thrownCode(() => sm.start(approved, ctx([coTest(T0 + 15 * MIN, 12)])))).toBe(
      'JH_ERR_PERMIT_GAS_TEST_FAILED',
    );
    const active = sm.start(approved, ctx([coTest(T0 + 15 * MIN, 5)]));
    expect(active).toMatchObject({ state: 'active', guardianUserId: null });
  });
});
