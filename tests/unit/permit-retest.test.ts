import { beforeAll, describe, expect, it, vi } from 'vitest';
import { KINDS } from '../../src/work/kinds/index.ts';

// The desk's 复测倒计时 (src/ui/public/permit-gas.js), run in Node against the kinds' own facts: when a
// gas test is due before start, while working (continuous monitoring) and after a break, and that a
// service whose kind summary carries no gas facts gets no countdown instead of a wrong one.
interface GasTest {
  takenAt: string;
  passed: boolean;
}
interface Detail {
  permit: Record<string, unknown>;
  gasTests: GasTest[];
}
interface RetestState {
  due: boolean;
  dueAt: number | null;
}
let gas: {
  retestState(d: Detail, now: number): RetestState;
};
let kindsModule: { loadPermitKinds(): Promise<void> };
const MIN = 60_000;

/** What GET /api/permit-kinds publishes: the kinds' own summaries, facts included (minutes). */
const withFacts = () => KINDS.summaries();

/** Fresh copies of the desk's modules, reading `list` as GET /api/permit-kinds. */
async function load(list: unknown[]) {
  const g = globalThis as Record<string, unknown>;
  g.localStorage = { getItem: () => null };
  g.fetch = async () =>
    new Response(JSON.stringify(list), { headers: { 'content-type': 'application/json' } });
  vi.resetModules();
  const dir = '../../src/ui/public/';
  gas = (await import(`${dir}permit-gas.js`)) as typeof gas;
  kindsModule = (await import(`${dir}permit-kinds.js`)) as typeof kindsModule;
  await kindsModule.loadPermitKinds();
}

const T0 = Date.UTC(2026, 0, 5, 2, 0, 0);
const at = (ms: number) => new Date(ms).toISOString();
const permit = (kind: string, level: string | null, state: string, extra: Record<string, unknown> = {}) => ({
  kind,
  level,
  state,
  validFrom: at(T0),
  startedAt: null,
  suspendedAt: null,
  ...extra,
});

describe('复测倒计时 with the kinds’ gas facts', () => {
  beforeAll(() => load(withFacts()));

  it('before start: a passing test stays good for the kind’s freshMs (30 min), then is due', () => {
    const d = {
      permit: permit('hot_work', 'special', 'approved'),
      gasTests: [{ takenAt: at(T0), passed: true }],
    };
    expect(gas.retestState(d, T0 + 10 * MIN)).toEqual(
      expect.objectContaining({ due: false, dueAt: T0 + 30 * MIN }),
    );
    expect(gas.retestState(d, T0 + 31 * MIN).due).toBe(true);
    expect(gas.retestState({ ...d, gasTests: [] }, T0).due).toBe(true);
  });

  it('a kind that tests gas only with hazardous media asks for none before start without one', () => {
    const plain = { permit: permit('work_at_height', 'level1', 'approved'), gasTests: [] };
    expect(gas.retestState(plain, T0).due).toBe(false);
    const withMedia = { permit: permit('work_at_height', 'level1', 'approved', { lelPct: 5 }), gasTests: [] };
    expect(gas.retestState(withMedia, T0).due).toBe(true);
  });

  it('a failed latest sample is due at once, whatever the clock', () => {
    const d = {
      permit: permit('hot_work', 'level2', 'active'),
      gasTests: [
        { takenAt: at(T0), passed: true },
        { takenAt: at(T0 + MIN), passed: false },
      ],
    };
    expect(gas.retestState(d, T0 + 2 * MIN).due).toBe(true);
  });

  it('confined space at work: a test every 2 h (continuousMs); hot work has no such rule', () => {
    const cs = {
      permit: permit('confined_space', null, 'active', { startedAt: at(T0) }),
      gasTests: [{ takenAt: at(T0 + 30 * MIN), passed: true }],
    };
    expect(gas.retestState(cs, T0 + 60 * MIN)).toEqual(
      expect.objectContaining({ due: false, dueAt: T0 + 150 * MIN }),
    );
    expect(gas.retestState(cs, T0 + 151 * MIN).due).toBe(true);
    const hw = { ...cs, permit: permit('hot_work', 'special', 'active', { startedAt: at(T0) }) };
    expect(gas.retestState(hw, T0 + 600 * MIN)).toEqual(expect.objectContaining({ due: false, dueAt: null }));
  });

  it('suspended: due once the break outlasts the level’s retestAfterBreakMs, until a test taken since', () => {
    const since = T0 + 60 * MIN;
    const d = {
      permit: permit('hot_work', 'level2', 'suspended', { suspendedAt: at(since) }),
      gasTests: [{ takenAt: at(T0), passed: true }],
    };
    expect(gas.retestState(d, since + 59 * MIN)).toEqual(
      expect.objectContaining({ due: false, dueAt: since + 60 * MIN }),
    );
    expect(gas.retestState(d, since + 61 * MIN).due).toBe(true);
    const special = { ...d, permit: { ...d.permit, level: 'special' } };
    expect(gas.retestState(special, since + 31 * MIN).due).toBe(true);
    const retested = { ...d, gasTests: [...d.gasTests, { takenAt: at(since + 70 * MIN), passed: true }] };
    expect(gas.retestState(retested, since + 71 * MIN).due).toBe(false);
  });
});

describe('复测倒计时 without gas facts in the summary', () => {
  beforeAll(() => load(KINDS.summaries().map((k) => ({ ...k, gas: undefined }))));

  it('shows no countdown (the service’s refusal at start / resume decides), but still a missing test', () => {
    const d = {
      permit: permit('hot_work', 'special', 'approved'),
      gasTests: [{ takenAt: at(T0), passed: true }],
    };
    expect(gas.retestState(d, T0 + 300 * MIN)).toEqual(expect.objectContaining({ due: false, dueAt: null }));
    expect(gas.retestState({ ...d, gasTests: [] }, T0).due).toBe(true);
  });
});
