import { describe, expect, it } from 'vitest';
import {
  endOfDayYearsLater,
  lastDay,
  localDay,
  parseCertificateDate,
} from '../../src/work/certificates/certificate-dates.ts';
import {
  standingIn,
  statusOf,
  uncertifiedWorkers,
  type Certificate,
} from '../../src/work/certificates/certificate-standing.ts';

const SH = 480; // Asia/Shanghai, UTC+8
const at = (iso: string) => Date.parse(iso);
const WELD = '焊接与热切割作业';
const HIGH = '高处作业';

let nextId = 1;
function card(over: Partial<Certificate> & { userId: number; category: string }): Certificate {
  return {
    id: nextId++,
    enterpriseId: 'ent-a',
    number: `T-${nextId}`,
    issuedAt: at('2024-01-01T00:00:00+08:00'),
    expiresAt: at('2030-01-01T00:00:00+08:00'),
    reviewDueAt: at('2027-01-02T00:00:00+08:00'),
    revoked: false,
    ...over,
  };
}

describe('certificate dates: a day means that day in Asia/Shanghai', () => {
  it('有效期至 2029-12-31 is valid through 23:59 Shanghai and not at 2030-01-01 00:00 Shanghai', () => {
    const end = parseCertificateDate('2029-12-31', 'until', SH)!;
    expect(end).toBe(at('2030-01-01T00:00:00+08:00'));
    const c = card({ userId: 1, category: WELD, expiresAt: end, reviewDueAt: end });
    expect(standingIn([c], WELD, at('2029-12-31T23:59:00+08:00')).ok).toBe(true);
    expect(standingIn([c], WELD, at('2029-12-31T23:59:59.999+08:00')).ok).toBe(true);
    expect(standingIn([c], WELD, at('2030-01-01T00:00:00+08:00'))).toMatchObject({
      ok: false,
      reason: 'expired',
    });
    // 16:00 UTC on the 31st is already the 1st in Shanghai
    expect(standingIn([c], WELD, at('2029-12-31T16:00:00Z')).ok).toBe(false);
    expect(lastDay(end, SH)).toBe('2029-12-31');
  });

  it('a from-date starts at local midnight; a date-time is taken as the instant it names', () => {
    expect(parseCertificateDate('2024-03-15', 'from', SH)).toBe(at('2024-03-14T16:00:00Z'));
    expect(parseCertificateDate('2024-03-15T10:00:00Z', 'until', SH)).toBe(at('2024-03-15T10:00:00Z'));
    expect(localDay(at('2024-03-14T16:00:00Z'), SH)).toBe('2024-03-15');
  });

  it('refuses what is not a calendar date or a zoned date-time', () => {
    for (const bad of [
      '2029-02-30',
      '2029-13-01',
      '2029-1-5',
      '31/12/2029',
      '2029-12-31T10:00:00',
      'tomorrow',
    ])
      expect(parseCertificateDate(bad, 'until', SH)).toBeNull();
  });

  it('3 years later is the end of the same local day; 29 February rolls to 1 March', () => {
    expect(endOfDayYearsLater(at('2026-03-15T09:30:00+08:00'), 3, SH)).toBe(at('2029-03-16T00:00:00+08:00'));
    expect(endOfDayYearsLater(at('2024-02-29T00:00:00+08:00'), 3, SH)).toBe(at('2027-03-02T00:00:00+08:00'));
  });
});

describe('standing in a category', () => {
  const now = at('2026-06-01T12:00:00+08:00');
  it('none, expired, review overdue, valid — in that order of hope', () => {
    expect(standingIn([], WELD, now)).toEqual({ ok: false, reason: 'none', certificate: null });
    const other = card({ userId: 1, category: HIGH });
    expect(standingIn([other], WELD, now)).toMatchObject({ ok: false, reason: 'none' });
    const old = card({ userId: 1, category: WELD, expiresAt: at('2026-01-01T00:00:00+08:00') });
    expect(standingIn([old], WELD, now)).toMatchObject({ ok: false, reason: 'expired', certificate: old });
    const unreviewed = card({ userId: 1, category: WELD, reviewDueAt: at('2026-05-01T00:00:00+08:00') });
    expect(standingIn([old, unreviewed], WELD, now)).toMatchObject({
      ok: false,
      reason: 'review_overdue',
      certificate: unreviewed,
    });
    const good = card({ userId: 1, category: WELD });
    expect(standingIn([old, unreviewed, good], WELD, now)).toEqual({ ok: true, certificate: good });
  });

  it('a revoked or not-yet-issued card is no card', () => {
    const revoked = card({ userId: 1, category: WELD, revoked: true });
    const future = card({ userId: 1, category: WELD, issuedAt: at('2026-07-01T00:00:00+08:00') });
    expect(standingIn([revoked, future], WELD, now)).toMatchObject({ ok: false, reason: 'none' });
  });

  it('labels: 将到期 when the expiry or the review falls inside the warning window', () => {
    const c = card({ userId: 1, category: WELD, reviewDueAt: at('2026-06-20T00:00:00+08:00') });
    expect(statusOf(c, now, 30)).toBe('expiring');
    expect(statusOf(c, now, 10)).toBe('valid');
    expect(statusOf(c, at('2026-06-20T00:00:00+08:00'), 30)).toBe('review_overdue');
    expect(statusOf(c, at('2030-01-01T00:00:00+08:00'), 30)).toBe('expired');
    expect(statusOf({ ...c, revoked: true }, now, 30)).toBe('revoked');
  });
});

describe('uncertified workers of a permit', () => {
  const now = at('2026-06-01T12:00:00+08:00');
  const workers = [
    { userId: 1, username: 'welder-a' },
    { userId: 2, username: 'welder-b' },
  ];
  it('names each worker and each required category they lack, with why', () => {
    const certs = [
      card({ userId: 1, category: WELD }),
      card({ userId: 1, category: HIGH, number: 'H-1', expiresAt: at('2026-01-01T00:00:00+08:00') }),
      card({ userId: 2, category: WELD, number: 'W-2', reviewDueAt: at('2026-05-01T00:00:00+08:00') }),
    ];
    expect(uncertifiedWorkers(workers, [WELD, HIGH], certs, now)).toEqual([
      { userId: 1, username: 'welder-a', category: HIGH, reason: 'expired', number: 'H-1' },
      { userId: 2, username: 'welder-b', category: WELD, reason: 'review_overdue', number: 'W-2' },
      { userId: 2, username: 'welder-b', category: HIGH, reason: 'none', number: null },
    ]);
  });

  it("another worker's card does not count, and a kind requiring none has no problems", () => {
    const certs = [card({ userId: 1, category: WELD })];
    expect(uncertifiedWorkers(workers, [WELD], certs, now)).toEqual([
      { userId: 2, username: 'welder-b', category: WELD, reason: 'none', number: null },
    ]);
    expect(uncertifiedWorkers(workers, [], [], now)).toEqual([]);
  });
});
