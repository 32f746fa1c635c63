/**
 * bench:alerts — how fast a violation reaches a socket.io client, through the real service
 * (startService: SQLite file, event bus + outbox, socket.io over websocket, embedded MQTT, snapshots).
 *   raised:    pipeline.process() of the frame that completes the inertia window → client gets violation.started
 *   confirmed: POST /api/violations/:id/confirm (real HTTP) → client gets violation.reviewed
 * Client and server share one process (loopback). Prints one JSON line. Target: p95 ≤ 300 ms.
 *   npm run bench:alerts [-- --n 100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io as connect } from 'socket.io-client';
import { validateConfig } from '../src/config/load.ts';
import type { Detection } from '../src/vision/detect/types.ts';
import { startService } from '../src/main.ts';
import { TEST_PASSWORD, testConfigInput } from '../tests/helpers/test-service.ts';

const n = Number(process.argv[process.argv.indexOf('--n') + 1]) || 100;
const dir = mkdtempSync(join(tmpdir(), 'jianhu-bench-alerts-'));
const W = 640;
const H = 360;
const config = validateConfig(
  testConfigInput(dir, {
    mqtt: { embedded: true, port: 0 },
    evidence: { clips: false },
    sites: [
      {
        id: 'site-a',
        name: '甲',
        enterpriseId: 'ent-a',
        cameras: [{ id: 'cam-a1', name: 'A1', url: 'rtsp://127.0.0.1:1/none' }],
      },
    ],
  }),
);
const svc = await startService(config);
const pipeline = svc.services.supervision.pipeline!;

async function token(username: string): Promise<string> {
  const r = await fetch(`${svc.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  return ((await r.json()) as { token: string }).token;
}
const tok = await token('safety-a');
const socket = connect(svc.url, { auth: { token: tok }, transports: ['websocket'], reconnection: false });
await new Promise<void>((res, rej) => {
  socket.once('connect', () => res());
  socket.once('connect_error', rej);
});

const waiters = new Map<string, (t: number) => void>();
const wait = (key: string) => new Promise<number>((res) => waiters.set(key, res));
socket.on('violation.started', (e: { payload: { violationId: number } }) =>
  waiters.get(`s${e.payload.violationId}`)?.(performance.now()),
);
socket.on('violation.reviewed', (e: { payload: { violationId: number } }) =>
  waiters.get(`r${e.payload.violationId}`)?.(performance.now()),
);
// a started event can arrive before we know its id: buffer by arrival
const arrivals: { id: number; t: number }[] = [];
socket.on('violation.started', (e: { payload: { violationId: number } }) =>
  arrivals.push({ id: e.payload.violationId, t: performance.now() }),
);

const frame = Buffer.alloc(W * H * 3, 80);
const raised: number[] = [];
const confirmed: number[] = [];
let ts = Date.now();
for (let i = 0; i < n; i++) {
  const x = 50 + (i % 5) * 100;
  const dets: Detection[] = [
    { label: 'person', score: 0.9, box: [x, 60, x + 60, 300] },
    { label: 'head', score: 0.8, box: [x + 15, 60, x + 45, 95] },
  ];
  let id = 0;
  let t0 = 0;
  for (let f = 0; f < 10 && !id; f++) {
    ts += 500;
    t0 = performance.now();
    const out = pipeline.process({
      cameraId: 'cam-a1',
      frameTs: ts,
      detections: dets,
      frame: { cameraId: 'cam-a1', ts, seq: f, width: W, height: H, data: frame },
    });
    id = out.records.find((r) => r.state === 'active' && r.type === 'no_helmet')?.id ?? 0;
  }
  if (!id) throw new Error('no violation raised');
  const got = arrivals.find((a) => a.id === id)?.t ?? (await wait(`s${id}`));
  raised.push(got - t0);
  const r0 = performance.now();
  const rec = wait(`r${id}`);
  const res = await fetch(`${svc.url}/api/violations/${id}/confirm`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (res.status !== 200) throw new Error(`confirm ${res.status}`);
  confirmed.push((await rec) - r0);
  // the person leaves: the violation ends and the track is dropped, so the next one is a new subject
  for (let f = 0; f < 12; f++) {
    ts += 500;
    pipeline.process({ cameraId: 'cam-a1', frameTs: ts, detections: [] });
  }
  // frame time (synthetic) jumps past the cooldown, else the same spot counts as the same person
  ts += 121_000;
}
await pipeline.idle();

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 10) / 10;
};
const sum = (xs: number[]) => ({ p50: q(xs, 50), p95: q(xs, 95), max: q(xs, 100) });
console.log(
  JSON.stringify({
    bench: 'alerts',
    n,
    unit: 'ms',
    raisedToSocket: sum(raised),
    confirmToSocket: sum(confirmed),
    targetP95: 300,
    pass: q(raised, 95) <= 300 && q(confirmed, 95) <= 300,
    snapshots: svc.services.video.evidence?.stats.snapshots ?? 0,
  }),
);
socket.close();
await svc.stop();
rmSync(dir, { recursive: true, force: true });
