import { describe, expect, it } from 'vitest';
import { permitAuditTitle } from '../../src/oversight/reports/permit-audit-table.ts';

describe('permit audit table times', () => {
  it('writes Asia/Shanghai times exactly as Intl does, without calling it per cell', () => {
    const intl = (ms: number) =>
      new Date(ms).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
    // about every 7 days and 1 h over 1995–2035 (hours and days drift through every value)
    for (let ms = Date.UTC(1995, 0, 1); ms < Date.UTC(2035, 0, 1); ms += 7 * 86_400_000 + 3_660_017) {
      const at = new Date(ms).toISOString();
      expect(permitAuditTitle('甲', at, at)).toBe(`作业票监控审计 甲 ${intl(ms)} — ${intl(ms)}`);
    }
    expect(permitAuditTitle('甲', '2026-01-01T16:05:00Z', '2026-02-28T16:00:00Z')).toBe(
      '作业票监控审计 甲 2026/1/2 00:05:00 — 2026/3/1 00:00:00',
    );
  });
});
