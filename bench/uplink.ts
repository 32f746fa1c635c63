// npm run bench:uplink — the box's side of the county hub (#24), over a real nats-server on this
// machine: how fast a backlog (a hub outage's worth of events) is shipped for several in-flight
// windows, and the lag from an event's commit on the box to its message reaching a hub subscriber at a
// steady rate. One JSON line per measurement, a summary line at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, nanos, nkeyAuthenticator } from 'nats';
import { validateConfig } from '../src/config/load.ts';
import { createServices } from '../src/services.ts';
import { startHubUplink } from '../src/hub-uplink.ts';
import { createLogger } from '../src/platform/shared/logger.ts';
import { HUB_STREAM, type HubEventMessage } from '../src/platform/events/hub-wire.ts';
import { testConfigInput } from '../tests/helpers/test-service.ts';
import { TestNatsServer } from '../tests/helpers/nats-server.ts';

const BACKLOG = Number(process.env.BACKLOG ?? 20_000);
const RATE = Number(process.env.RATE ?? 200); // events per second, steady
const SECONDS = Number(process.env.SECONDS ?? 10);
const nats = new TestNatsServer([{ boxId: 'bench', enterprises: ['ent-a'] }]);
await nats.start();
const hub = await connect({
  servers: nats.url,
  authenticator: nkeyAuthenticator(new TextEncoder().encode(nats.hub.seed)),
});
const jsm = await hub.jetstreamManager();
const dirs: string[] = [];

async function box(hubSection: Record<string, unknown>) {
  await jsm.streams.delete(HUB_STREAM).catch(() => false);
  await jsm.streams.add({ name: HUB_STREAM, subjects: ['jianhu.ev.>'], duplicate_window: nanos(120_000) });
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-bench-uplink-'));
  dirs.push(dir);
  const config = validateConfig(
    testConfigInput(dir, {
      users: [],
      hub: {
        servers: [nats.url],
        boxId: 'bench',
        nkeySeedFile: nats.boxUsers.get('bench')!.seedFile,
        ...hubSection,
      },
    }),
  );
  return createServices(config, { logger: createLogger('silent') });
}

const results: Record<string, unknown>[] = [];
for (const maxInFlight of [1, 16, 64, 256]) {
  const s = await box({ maxInFlight });
  s.bus.transaction(() => {
    for (let i = 0; i < BACKLOG; i++)
      s.bus.publish('user.loggedIn', 'ent-a', { userId: i, username: `u${i}` });
  });
  const t0 = performance.now();
  const link = startHubUplink(s)!;
  while (link.status().backlog > 0) await new Promise((r) => setTimeout(r, 10));
  const ms = performance.now() - t0;
  await link.stop();
  await s.close();
  const r = {
    measure: 'catch-up',
    maxInFlight,
    events: BACKLOG,
    ms: Math.round(ms),
    perSecond: Math.round((BACKLOG / ms) * 1000),
  };
  results.push(r);
  console.log(JSON.stringify(r));
}

// steady rate: commit time per seq on the box, arrival time per seq at a hub subscriber
const s = await box({});
const link = startHubUplink(s)!;
while (!link.status().connected) await new Promise((r) => setTimeout(r, 10));
const committed = new Map<number, number>();
const lags: number[] = [];
const head = () =>
  (s.db.prepare('SELECT MAX(seq) AS s FROM audit_chain').get() as { s: number | null }).s ?? 0;
hub.subscribe('jianhu.ev.bench.>', {
  callback: (_e, m) => {
    const seq = (JSON.parse(new TextDecoder().decode(m.data)) as HubEventMessage).entry.seq;
    const at = committed.get(seq);
    if (at !== undefined) lags.push(performance.now() - at);
  },
});
await hub.flush();
const total = RATE * SECONDS;
let commitMs = 0;
const t0 = performance.now();
for (let i = 0; i < total; i++) {
  const due = t0 + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const c0 = performance.now();
  s.bus.publish('user.loggedIn', 'ent-a', { userId: i, username: `u${i}` });
  commitMs += performance.now() - c0;
  committed.set(head(), performance.now());
}
const produceMs = performance.now() - t0;
while (lags.length < total && performance.now() - t0 < (SECONDS + 30) * 1000)
  await new Promise((r) => setTimeout(r, 20));
const shippedStatus = link.status();
await link.stop();
await s.close();
lags.sort((a, b) => a - b);
const pct = (p: number) =>
  Math.round(lags[Math.min(lags.length - 1, Math.floor(p * lags.length))]! * 10) / 10;
const steady = {
  measure: 'commit-to-hub lag',
  rate: RATE,
  events: total,
  received: lags.length,
  p50ms: pct(0.5),
  p95ms: pct(0.95),
  maxMs: pct(1),
  // the box's own commits share the thread with the shipper: their cost bounds the rate
  commitMsMean: Math.round((commitMs / total) * 100) / 100,
  produceS: Math.round(produceMs / 100) / 10,
  acked: shippedStatus.acked,
  failures: shippedStatus.failures,
};
console.log(JSON.stringify(steady));
await hub.close();
await nats.close();
for (const d of dirs) rmSync(d, { recursive: true, force: true });
console.log(JSON.stringify({ bench: 'uplink', catchUp: results, steady }));
