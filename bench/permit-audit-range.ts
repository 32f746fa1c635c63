// npm run bench:permit-audit — what the per-permit audit of a region over a four-month campaign costs
// (#22): a real service on a SQLite file, a 县 of three enterprises with PER_DAY permits a day each for
// 122 days (every 4th with a 3-min video gap, every 5th with a violation), then
//   1. GET /api/audit/permits?region=…&pageSize=100 (coverage of every permit + one page in full),
//   2. GET /api/audit/permits.xlsx?region=… (every permit, streamed) and its size,
//   3. the same JSON page without migration 085's outbox(type, occurred_at) index, for comparison,
// each the median of RUNS runs, and the process's peak RSS. PER_DAY=3 RUNS=3 by default.
import { FakeClock } from '../src/platform/shared/clock.ts';
import { seedCampaign } from '../tests/helpers/campaign-seed.ts';
import { startTestService } from '../tests/helpers/test-service.ts';

const PER_DAY = Number(process.env.PER_DAY ?? 3);
const RUNS = Number(process.env.RUNS ?? 3);
const DAY = 86_400_000;
const FROM = Date.UTC(2026, 7, 1, 16);
const DAYS = 122;
const clock = new FakeClock(FROM);
const t = await startTestService({ clock });
const t0 = performance.now();
const seeded = seedCampaign(t.services, (ms) => clock.set(ms), {
  enterpriseIds: ['ent-a', 'ent-b', 'ent-c'],
  from: FROM,
  days: DAYS,
  perDay: PER_DAY,
  to: FROM + DAYS * DAY + 3_600_000,
});
const events = (t.services.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
console.log(
  `seeded ${Object.values(seeded).reduce((n, s) => n + s.permits, 0)} permits (${events} events) in ${Math.round(performance.now() - t0)} ms`,
);
const auth = await t.login('regulator-z');
const range = `from=${new Date(FROM).toISOString()}&to=${new Date(FROM + DAYS * DAY).toISOString()}`;

async function timed(url: string): Promise<{ ms: number; bytes: number; total: number }> {
  const times: number[] = [];
  let bytes = 0;
  let total = 0;
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    const res = await t.app.inject({ method: 'GET', url, headers: { authorization: auth } });
    times.push(performance.now() - s);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    bytes = res.rawPayload.length;
    if (String(res.headers['content-type']).includes('json')) total = (res.json() as { total: number }).total;
  }
  times.sort((a, b) => a - b);
  return { ms: Math.round(times[Math.floor(times.length / 2)]!), bytes, total };
}

const page = await timed(`/api/audit/permits?region=zezhou&${range}&pageSize=100`);
console.log(`JSON page of 100, region over 4 months: ${page.ms} ms (${page.total} permits in the range)`);
const xlsx = await timed(`/api/audit/permits.xlsx?region=zezhou&${range}`);
console.log(`XLSX of the whole range: ${xlsx.ms} ms, ${Math.round(xlsx.bytes / 1024)} kB`);
t.services.db.exec('DROP INDEX outbox_type_at');
const bare = await timed(`/api/audit/permits?region=zezhou&${range}&pageSize=100`);
console.log(`JSON page without the outbox(type, occurred_at) index: ${bare.ms} ms`);
const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`peak RSS ${rssMb} MB`);
console.log(
  JSON.stringify({
    bench: 'permit-audit',
    permits: page.total,
    events,
    pageMs: page.ms,
    xlsxMs: xlsx.ms,
    xlsxBytes: xlsx.bytes,
    pageMsWithoutIndex: bare.ms,
    peakRssMb: rssMb,
  }),
);
await t.close();
