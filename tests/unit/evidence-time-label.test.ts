import { describe, expect, it } from 'vitest';
import { localTimeLabel, offsetLabel } from '../../src/video/evidence/time-label.ts';

describe('burned-in evidence time', () => {
  it('is Asia/Shanghai wall-clock time (UTC+8) with the offset written out', () => {
    // 2026-12-06 23:59:59.987 UTC is already the 7th in 江苏
    const ts = Date.UTC(2026, 11, 6, 23, 59, 59, 987);
    expect(localTimeLabel(ts, 480)).toBe('2026-12-07 07:59:59.987 UTC+08:00');
    expect(localTimeLabel(ts, 0)).toBe('2026-12-06 23:59:59.987 UTC+00:00');
  });

  it('writes other offsets, west and half-hour, correctly', () => {
    const ts = Date.UTC(2027, 0, 1, 2, 5, 0, 4);
    expect(localTimeLabel(ts, -300)).toBe('2026-12-31 21:05:00.004 UTC-05:00');
    expect(localTimeLabel(ts, 330)).toBe('2027-01-01 07:35:00.004 UTC+05:30');
  });

  it('says how far the picture is from the detection', () => {
    expect(offsetLabel(333)).toBe('+0.33 s');
    expect(offsetLabel(-667)).toBe('−0.67 s');
  });
});
