/**
 * Certificate dates as people write them: a card that says 有效期至 2029-12-31 is good through that
 * whole day where the plant is (Asia/Shanghai, UTC+8, no daylight saving). Instants are stored as ms;
 * an "until" date is stored as the exclusive end of its day (the next local midnight). Pure: the
 * plant's offset is given (config `permits.night.utcOffsetMinutes`, the one permit numbers use).
 */

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** RFC 3339 with a zone: an instant the caller already placed in time */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Midnight starting the local calendar day y-m-d (month 1-12; out-of-range days roll over as Date.UTC does). */
const localMidnight = (y: number, m: number, d: number, offsetMinutes: number) =>
  Date.UTC(y, m - 1, d) - offsetMinutes * 60_000;

/** The local calendar day an instant falls on, as YYYY-MM-DD. */
export function localDay(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The day an exclusive end means (有效期至 / 复审日期 as printed): the day before the end's midnight. */
export function lastDay(endExclusive: number, offsetMinutes: number): string {
  return localDay(endExclusive - 1, offsetMinutes);
}

/**
 * Reads `YYYY-MM-DD` or an RFC 3339 date-time. A date alone means the start of that local day for a
 * 'from' date (发证日期) and the end of it for an 'until' date (有效期至, 复审日期). null: not a date.
 */
export function parseCertificateDate(
  text: string,
  as: 'from' | 'until',
  offsetMinutes: number,
): number | null {
  const m = DATE_ONLY.exec(text);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const start = localMidnight(y, mo, d, offsetMinutes);
    // 2029-02-30 would roll over to March: refuse it rather than guess
    if (localDay(start, offsetMinutes) !== text) return null;
    return as === 'from' ? start : start + DAY_MS;
  }
  if (!DATE_TIME.test(text)) return null;
  const t = Date.parse(text);
  return Number.isFinite(t) ? t : null;
}

/**
 * The exclusive end of the local day `years` calendar years after the day `ms` falls on: a review
 * passed on 2026-03-15 is next due by the end of 2029-03-15 (29 February rolls to 1 March).
 */
export function endOfDayYearsLater(ms: number, years: number, offsetMinutes: number): number {
  const [y, m, d] = localDay(ms, offsetMinutes).split('-').map(Number) as [number, number, number];
  return localMidnight(y + years, m, d + 1, offsetMinutes);
}

/** A calendar day as a Date at UTC midnight: what a spreadsheet date cell shows as exactly that day. */
export function dayAsUtcDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}
