import { describe, expect, it } from 'vitest';
import { retentionDays } from '../../src/video/recording/config.schema.ts';
import { recordedWindows } from '../../src/oversight/audit/recording-timeline.ts';
import { shanghaiDay } from '../../src/video/recording/retention.ts';

describe('recording retention days', () => {
  const cfg = { defaultDays: 7, byKind: { hot_work: 10, 'hot_work/special': 31, confined_space: 14 } };
  it('takes kind/level over kind over the default', () => {
    expect(retentionDays(cfg, 'hot_work', 'level1')).toBe(10);
    expect(retentionDays(cfg, 'hot_work', 'special')).toBe(31);
    expect(retentionDays(cfg, 'confined_space', null)).toBe(14);
    expect(retentionDays(cfg, 'lifting', null)).toBe(7);
  });
  it('never keeps 特级 动火 less than 31 days, whatever the config says (GB 30871)', () => {
    expect(retentionDays({ defaultDays: 3, byKind: { 'hot_work/special': 5 } }, 'hot_work', 'special')).toBe(
      31,
    );
    expect(retentionDays({ defaultDays: 3, byKind: {} }, 'hot_work', 'special')).toBe(31);
    expect(retentionDays({ defaultDays: 3, byKind: {} }, 'hot_work', 'level1')).toBe(3);
  });
  it('names the deletion day in Asia/Shanghai', () => {
    expect(shanghaiDay(Date.UTC(2026, 0, 5, 17, 0))).toBe('2026-01-06');
    expect(shanghaiDay(Date.UTC(2026, 0, 5, 15, 59))).toBe('2026-01-05');
  });
});

describe('recorded windows of a permit', () => {
  const at = (min: number) => Date.UTC(2026, 0, 5, 2, min);
  const iso = (min: number) => new Date(at(min)).toISOString();
  it('runs from the start to the close, a suspension inside the window', () => {
    const w = recordedWindows([
      { to: 'draft', at: at(0) },
      { to: 'approved', at: at(1) },
      { to: 'active', at: at(10) },
      { to: 'suspended', at: at(20) },
      { to: 'active', at: at(25) },
      { to: 'completed', at: at(40) },
    ]);
    expect(w).toEqual([{ from: iso(10), to: iso(40), suspended: [{ from: iso(20), to: iso(25) }] }]);
  });
  it('leaves a window open while the permit is active, and closes a suspension with the permit', () => {
    expect(recordedWindows([{ to: 'active', at: at(10) }])).toEqual([
      { from: iso(10), to: null, suspended: [] },
    ]);
    expect(
      recordedWindows([
        { to: 'active', at: at(10) },
        { to: 'suspended', at: at(20) },
        { to: 'revoked', at: at(30) },
      ]),
    ).toEqual([{ from: iso(10), to: iso(30), suspended: [{ from: iso(20), to: iso(30) }] }]);
  });
});
