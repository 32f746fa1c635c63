/**
 * The time burned into evidence, in the plant's local time: what an inspector in 江苏 reads off a
 * snapshot must be the time on the wall clock there (Asia/Shanghai, UTC+8, no daylight saving), not
 * UTC. The offset is the one permit numbers and night work already use
 * (`permits.night.utcOffsetMinutes`), so one setting moves every local time the service writes.
 */
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2026-12-07 12:08:06.123 UTC+08:00` for epoch ms and an offset east of UTC in minutes. */
export function localTimeLabel(ts: number, utcOffsetMinutes: number): string {
  const d = new Date(ts + utcOffsetMinutes * 60_000);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  return `${date} ${time} UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A signed offset in seconds for the band, e.g. `+0.33 s`, when the picture is not the detection's frame. */
export const offsetLabel = (ms: number): string =>
  `${ms >= 0 ? '+' : '−'}${(Math.abs(ms) / 1000).toFixed(2)} s`;
