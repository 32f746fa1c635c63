import { describe, expect, it } from 'vitest';
import { parseBenchOptions } from '../../bench/detect-options.ts';
import {
  camerasHeld,
  DEFAULT_CRITERIA,
  missingFields,
  num,
  pct,
  ratioOfRounds,
  REQUIRED_FIELDS,
  stepVerdict,
  type StepMeasure,
} from '../../bench/detect-verdict.ts';

// bench:detect's pure parts: the hold decision per step, the count of cameras held, the ratio of
// side-by-side rounds, the closing JSON line's fields and the flags. No timing here.
const step = (o: Partial<StepMeasure> = {}): StepMeasure => ({
  cameras: 8,
  windowS: 10,
  activeRates: Array(8).fill(2),
  activeLatenciesMs: Array(100).fill(300),
  ...o,
});

describe('bench:detect step verdict', () => {
  it('holds cameras at 2/s with p95 under 1.5 s', () => {
    expect(stepVerdict(step())).toEqual({ held: true, why: [] });
  });

  it('allows 1.9/s on average, and one result of window-edge jitter for a single camera', () => {
    expect(stepVerdict(step({ activeRates: Array(8).fill(1.9) })).held).toBe(true);
    // 10 s window: one camera with 18 results instead of 19–21 is jitter, 17 is slow
    expect(stepVerdict(step({ activeRates: [...Array(7).fill(2), 1.8] })).held).toBe(true);
    const slow = stepVerdict(step({ activeRates: [...Array(7).fill(2), 1.7] }));
    expect(slow.held).toBe(false);
    expect(slow.why.join()).toMatch(/slowest active camera 1\.70/);
  });

  it('fails a step whose cameras average under 1.9/s or whose p95 is over budget', () => {
    expect(stepVerdict(step({ activeRates: Array(8).fill(1.85) })).why[0]).toMatch(/active cameras 1\.85/);
    const late = stepVerdict(step({ activeLatenciesMs: [...Array(90).fill(300), ...Array(10).fill(1600)] }));
    expect(late).toEqual({ held: false, why: ['p95 frame-to-result 1600 ms'] });
    expect(stepVerdict(step({ activeRates: [] })).held).toBe(false);
    expect(stepVerdict(step({ activeLatenciesMs: [] })).why).toContain('p95 frame-to-result n/a ms');
  });

  it('in a mix, also needs the idle rate and motion answered in time', () => {
    const mix = step({ idleRates: Array(24).fill(0.6), motionAnswerMs: Array(20).fill(400) });
    expect(stepVerdict(mix).held).toBe(true);
    expect(stepVerdict({ ...mix, idleRates: Array(24).fill(0.4) }).why[0]).toMatch(/idle cameras 0\.40/);
    const unanswered = { ...mix, motionAnswerMs: [...Array(18).fill(400), Infinity, Infinity] };
    expect(stepVerdict(unanswered).why).toEqual(['motion answered p95 never']);
  });

  it('takes the rates from the criteria (a scheduler configured for 3/s)', () => {
    expect(stepVerdict(step(), { ...DEFAULT_CRITERIA, activeRate: 3 }).held).toBe(false);
  });
});

describe('bench:detect cameras held', () => {
  it('is the last step held before the first that is not', () => {
    const s = (cameras: number, held: boolean) => ({ cameras, held });
    expect(camerasHeld([s(8, true), s(16, true), s(24, false), s(32, true)])).toEqual({
      held: 16,
      atLeast: false,
    });
    expect(camerasHeld([s(8, false)])).toEqual({ held: 0, atLeast: false });
    expect(camerasHeld([s(8, true), s(16, true)])).toEqual({ held: 16, atLeast: true });
    expect(camerasHeld([])).toEqual({ held: 0, atLeast: false });
  });
});

describe('bench:detect figures', () => {
  it('takes the ratio as the median of per-round ratios, not the ratio of means', () => {
    const rounds = [
      { limitFps: 100, serviceFps: 50 },
      { limitFps: 10, serviceFps: 9 },
      { limitFps: 40, serviceFps: 32 },
    ];
    expect(ratioOfRounds(rounds)).toBeCloseTo(0.8);
    expect(ratioOfRounds([{ limitFps: 0, serviceFps: 5 }])).toBeNaN();
  });

  it('percentiles by nearest rank', () => {
    expect(pct([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(pct([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(pct([], 95)).toBeNaN();
  });

  it('JSON numbers: rounded, and null where a figure does not exist', () => {
    expect(num(1.23456)).toBe(1.23);
    expect(num(NaN)).toBeNull();
    expect(num(Infinity, 0)).toBeNull();
  });

  it('names every required field a JSON line lacks', () => {
    const full = Object.fromEntries(REQUIRED_FIELDS.map((f) => [f, null]));
    expect(missingFields(full)).toEqual([]);
    const { ratioVsLimit: _r, camerasHeldMix: _m, ...rest } = full;
    expect(missingFields(rest)).toEqual(['ratioVsLimit', 'camerasHeldMix']);
    for (const f of ['ratioVsLimit', 'camerasHeldDefault', 'camerasHeldMix', 'limitFramesPerSec', 'date'])
      expect(REQUIRED_FIELDS).toContain(f);
  });
});

describe('bench:detect flags', () => {
  it('--quick shortens the run; explicit flags override the preset', () => {
    const full = parseBenchOptions([]);
    const quick = parseBenchOptions(['--quick']);
    expect(quick.rounds).toBeLessThan(full.rounds);
    expect(quick.windowS).toBeLessThan(full.windowS);
    expect(quick.steps.length).toBeLessThanOrEqual(full.steps.length);
    expect(full.steps).toEqual([8, 16, 20, 24, 32, 40]);
    expect(full.mixSteps).toEqual([16, 24, 32, 48, 64, 80]);
    const o = parseBenchOptions(['--quick', '--steps', '24,8', '--idle-keyframes', 'on', '--skip', 'mix']);
    expect(o.steps).toEqual([8, 24]);
    expect(o.idleKeyframesOnly).toBe(true);
    expect([...o.skip]).toEqual(['mix']);
    expect(full.idleKeyframesOnly).toBeUndefined();
    expect(full.idleAfterS).toBeUndefined();
    expect(parseBenchOptions(['--idle-after', '5']).idleAfterS).toBe(5);
  });

  it('refuses bad flags with a message', () => {
    expect(() => parseBenchOptions(['--steps', 'x'])).toThrow(/camera counts/);
    expect(() => parseBenchOptions(['--idle-keyframes', 'yes'])).toThrow(/on or off/);
    expect(() => parseBenchOptions(['--skip', 'all'])).toThrow(/--skip/);
    expect(() => parseBenchOptions(['--rounds', '0'])).toThrow(/positive/);
    expect(() => parseBenchOptions(['--idle-after', '0'])).toThrow(/positive/);
    expect(() => parseBenchOptions(['--nope'])).toThrow();
  });
});
