// npm run bench:audit — what the tamper-evident log costs and how fast it is checked:
//   1. committed events per second through OutboxRepo.append (outbox row + hash-chain entry in one
//      transaction, synchronous=FULL as in the service) against a bare outbox insert;
//   2. `audit verify` throughput (entries per second, payload hashes included);
//   2b. how long the event loop stalls, and how long an HTTP /healthz served by this process takes
//       (polled every 20 ms by a separate process), during a verify: blocking, sliced (the route
//       until 2026-12-06) and on a worker thread (the route now);
//   3. export of an offline bundle and its offline verification.
// N events (default 5000; N=20000 npm run bench:audit for a longer run). Real SQLite file in a temp dir.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportBundle, verifyBundle } from '../src/oversight/audit/bundle.ts';
import { AuditChainRepo } from '../src/platform/events/chain.repo.ts';
import { loadOrCreateSigningKey } from '../src/oversight/audit/keys.ts';
import { storeVerifyInput, verifyStore } from '../src/oversight/audit/store-source.ts';
import { verifyChainAsync } from '../src/oversight/audit/verify.ts';
import { verifyInWorker } from '../src/oversight/audit/worker/verify-in-worker.ts';
import { GENESIS_HASH } from '../src/platform/events/chain.ts';
import { OutboxRepo } from '../src/platform/events/outbox.repo.ts';
import { openDb } from '../src/platform/store/db.ts';
import { migrate } from '../src/platform/store/migrate.ts';

const N = Number(process.env.N ?? 5000);
const dir = mkdtempSync(join(tmpdir(), 'jianhu-bench-audit-'));
const payload = {
  cameraId: 'cam-weld',
  siteId: 'site-a',
  from: 'online' as const,
  to: 'stalled' as const,
  reason: 'no_frames',
  message: '画面停滞 stalled',
  since: '2026-01-05T08:00:00.000Z',
};
/** The longest a 1 ms timer waited while `fn` ran: what a /healthz request would have waited. */
async function loopDelayDuring(fn: () => Promise<void>): Promise<number> {
  let max = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last - 1);
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 5));
  last = performance.now();
  await fn();
  await new Promise((r) => setTimeout(r, 5));
  clearInterval(tick);
  return Math.max(max, performance.now() - last - 1);
}
/** A /healthz on this event loop, polled by another process: the slowest answer while `fn` ran. */
async function healthzDuring(fn: () => Promise<void>): Promise<number> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const poller = spawn(
    process.execPath,
    [
      '-e',
      `let max = 0, stop = false; process.stdin.on('data', () => (stop = true));
       (async () => { while (!stop) { const t = performance.now();
         await fetch('http://127.0.0.1:${port}/healthz').then((r) => r.text());
         max = Math.max(max, performance.now() - t); await new Promise((r) => setTimeout(r, 20)); }
         process.stdout.write(String(max)); })();`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  poller.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => setTimeout(r, 300)); // the poller is up and has answered a few
  await fn();
  await new Promise((r) => setTimeout(r, 50));
  poller.stdin.end('stop');
  await new Promise((r) => poller.once('exit', r));
  await new Promise((r) => server.close(r));
  return Number(out);
}
const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en')}/s`;

try {
  // 1. bare outbox inserts (same schema, same pragmas), one transaction each
  const bare = openDb(join(dir, 'bare.db'));
  migrate(bare);
  const ins = bare.prepare(
    'INSERT INTO outbox (type, enterprise_id, payload, occurred_at) VALUES (?, ?, ?, ?)',
  );
  const tx = bare.transaction((i: number) =>
    ins.run('camera.healthChanged', 'ent-a', JSON.stringify(payload), String(i)),
  );
  let t = performance.now();
  for (let i = 0; i < N; i++) tx(i);
  const bareMs = performance.now() - t;
  bare.close();

  const db = openDb(join(dir, 'jianhu.db'));
  migrate(db);
  const outbox = new OutboxRepo(db);
  t = performance.now();
  for (let i = 0; i < N; i++)
    outbox.append(
      'camera.healthChanged',
      'ent-a',
      payload,
      new Date(Date.UTC(2026, 0, 5) + i * 1000).toISOString(),
    );
  const chainMs = performance.now() - t;
  // what ingest writes beside each of those events (verify re-derives camera_health_log from them)
  const since = Date.parse(payload.since);
  const row = db.prepare(
    `INSERT INTO camera_health_log (camera_id, site_id, enterprise_id, state, reason, message, since_ms, until_ms, checked_ms)
     VALUES ('cam-weld', 'site-a', 'ent-a', 'stalled', 'no_frames', '', ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < N; i++) row.run(since, i < N - 1 ? since : null, since);
  })();
  const key = loadOrCreateSigningKey(dir);
  const head = new AuditChainRepo(db).head()!;
  const claim = {
    id: 1,
    seq: head.seq,
    hash: head.hash,
    signedAt: new Date().toISOString(),
    prevDigest: GENESIS_HASH,
  };
  new AuditChainRepo(db).addCheckpoint({ ...claim, keyId: key.keyId, signature: key.sign(claim) });
  db.close();

  const ro = new Database(join(dir, 'jianhu.db'), { readonly: true });
  t = performance.now();
  const report = verifyStore(ro, dir);
  const verifyMs = performance.now() - t;
  // 2b. what the event loop (so /healthz) waits during GET /api/audit/chain: one blocking verify
  //     (before #23) against the sliced one the route runs now
  const blockedMs = await loopDelayDuring(async () => void verifyStore(ro, dir));
  t = performance.now();
  const slicedMs = await loopDelayDuring(
    async () => void (await verifyChainAsync(storeVerifyInput(ro, dir))),
  );
  const slicedTotalMs = performance.now() - t;
  const job = { dbPath: join(dir, 'jianhu.db'), dataDir: dir, options: {} };
  t = performance.now();
  const workerMs = await loopDelayDuring(async () => void (await verifyInWorker(job)));
  const workerTotalMs = performance.now() - t;
  const hzBlocked = await healthzDuring(async () => {
    await new Promise((r) => setTimeout(r, 20));
    verifyStore(ro, dir);
  });
  const hzSliced = await healthzDuring(async () => void (await verifyChainAsync(storeVerifyInput(ro, dir))));
  const hzWorker = await healthzDuring(async () => void (await verifyInWorker(job)));
  t = performance.now();
  const m = exportBundle(ro, dir, join(dir, 'bundle'), { now: new Date().toISOString() });
  const exportMs = performance.now() - t;
  ro.close();
  t = performance.now();
  const offline = verifyBundle(join(dir, 'bundle'));
  const offlineMs = performance.now() - t;

  console.log(`audit chain, ${N} events (synchronous=FULL, one transaction per event)`);
  console.log(
    `  bare outbox insert        ${rate(N, bareMs).padStart(10)}  ${((bareMs / N) * 1000).toFixed(0)} µs/event`,
  );
  console.log(
    `  outbox + chain entry      ${rate(N, chainMs).padStart(10)}  ${((chainMs / N) * 1000).toFixed(0)} µs/event  (+${(((chainMs - bareMs) / N) * 1000).toFixed(0)} µs)`,
  );
  console.log(
    `  verify store              ${rate(report.entries, verifyMs).padStart(10)}  ok=${report.ok} (${verifyMs.toFixed(0)} ms)`,
  );
  console.log(
    `  event-loop stall (healthz) blocking ${blockedMs.toFixed(0)} ms max; sliced ${slicedMs.toFixed(1)} ms max (verify took ${slicedTotalMs.toFixed(0)} ms)`,
  );
  console.log(
    `  event-loop stall (healthz) worker thread ${workerMs.toFixed(1)} ms max (verify took ${workerTotalMs.toFixed(0)} ms)`,
  );
  console.log(
    `  /healthz slowest answer   blocking ${hzBlocked.toFixed(0)} ms; sliced ${hzSliced.toFixed(0)} ms; worker ${hzWorker.toFixed(0)} ms`,
  );
  console.log(
    `  export bundle             ${rate(m.entries, exportMs).padStart(10)}  (${exportMs.toFixed(0)} ms)`,
  );
  console.log(
    `  verify bundle offline     ${rate(offline.entries, offlineMs).padStart(10)}  ok=${offline.ok} (${offlineMs.toFixed(0)} ms)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
