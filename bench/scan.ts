/**
 * npm run bench:scan [-- --rps 200 --duration 30]
 * A real listening service (temp SQLite file, permits module, embedded MQTT broker) takes `rps` scan
 * requests per second for `duration` seconds from a load generator in a worker thread (its own event
 * loop, open loop: requests are sent on schedule whether or not earlier ones have answered). Every
 * request is a full accepted scan (token, nonce, certificate, permit, camera, distance, authorisation,
 * scan record, outbox event). Prints one JSON line: latency percentiles and errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { buildApp } from '../src/app.ts';
import { validateConfig } from '../src/config/load.ts';
import { createMqttBus } from '../src/platform/mqtt/mqtt-bus.ts';
import { createServices } from '../src/services.ts';
import { createLogger } from '../src/platform/shared/logger.ts';
import { MACHINE_AT, permitsConfigInput } from '../tests/integration/permits-harness.ts';
import { TEST_PASSWORD } from '../tests/helpers/test-service.ts';
import { approveHotWorkForScans } from './scan-permit.ts';

const { values } = parseArgs({
  options: { rps: { type: 'string', default: '200' }, duration: { type: 'string', default: '30' } },
});
const rps = Number(values.rps);
const duration = Number(values.duration);
if (!(rps > 0 && rps <= 5000 && duration > 0 && duration <= 600)) {
  process.stderr.write('bench:scan: --rps 1..5000 --duration 1..600\n');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'jianhu-bench-scan-'));
const config = validateConfig(
  permitsConfigInput(dir, { mqtt: { embedded: true, host: '127.0.0.1', port: 0 } }),
);
const logger = createLogger('silent');
const core = await createServices(config, {
  logger,
  mqtt: (p) => createMqttBus(config, { logger, devices: p.devices }),
});
const mod = core.work;
const app = await buildApp(core, { logRequests: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address();
const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

async function api(
  user: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: TEST_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

// A working day's setup: machine, certificate, approved permit, gas test, camera online.
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
await api('admin-a', 'POST', '/api/machines', {
  id: 'M1',
  name: '1号焊机',
  siteId: 'site-a',
  cameraId: 'cam-weld',
  ...MACHINE_AT,
});
await approveHotWorkForScans(api, {
  now,
  certificateNumber: 'T-BENCH-0001',
  location: 'bench',
  cameraId: 'cam-weld',
});
core.bus.publish('camera.healthChanged', 'ent-a', {
  cameraId: 'cam-weld',
  siteId: 'site-a',
  from: null,
  to: 'online',
  reason: 'frames_ok',
  message: 'online',
  since: iso(now),
});
const loginRes = await fetch(`${base}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'welder-a', password: TEST_PASSWORD }),
});
const welderToken = ((await loginRes.json()) as { token: string }).token;
const qr = mod.machines.qrToken(null, 'M1');

// The load generator: plain JS in a worker (own event loop), open-loop schedule.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { randomBytes } = require('node:crypto');
const { base, token, qr, rps, duration, lat, lon } = workerData;
const lat_ms = []; let errors = 0; let sent = 0; const codes = {};
const start = performance.now(); const total = Math.round(rps * duration);
async function one() {
  const t0 = performance.now();
  try {
    const res = await fetch(base + '/api/scan', { method: 'POST', headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
      body: JSON.stringify({ qr, nonce: randomBytes(12).toString('base64url'), scannedAt: new Date().toISOString(), lat, lon, accuracyM: 5 }) });
    const body = await res.text();
    if (res.status !== 200) { errors++; const c = (JSON.parse(body).code) || res.status; codes[c] = (codes[c] || 0) + 1; }
  } catch (e) { errors++; codes[e.code || 'network'] = (codes[e.code || 'network'] || 0) + 1; }
  lat_ms.push(performance.now() - t0);
}
const inflight = [];
const timer = setInterval(() => {
  const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rps));
  while (sent < due) { sent++; inflight.push(one()); }
  if (sent >= total) { clearInterval(timer); Promise.all(inflight).then(() => parentPort.postMessage({ lat_ms, errors, sent, codes, wallS: (performance.now() - start) / 1000 })); }
}, 1);
`;
// Main-thread busy time during the load (event-loop utilisation): the service's cost per scan,
// which, unlike latency, does not depend much on how loaded the machine is.
const eluStart = performance.eventLoopUtilization();
const cpuStart = process.cpuUsage();
const result = await new Promise<{
  lat_ms: number[];
  errors: number;
  sent: number;
  codes: Record<string, number>;
  wallS: number;
}>((resolve, reject) => {
  const w = new Worker(workerSource, {
    eval: true,
    workerData: { base, token: welderToken, qr, rps, duration, ...MACHINE_AT },
  });
  w.once('message', resolve);
  w.once('error', reject);
});

const elu = performance.eventLoopUtilization(eluStart);
const cpu = process.cpuUsage(cpuStart);
const sorted = [...result.lat_ms].sort((a, b) => a - b);
const pct = (p: number) =>
  Math.round((sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0) * 100) /
  100;
const scansRecorded = (
  core.db.prepare("SELECT COUNT(*) AS n FROM machine_scans WHERE result = 'accepted'").get() as { n: number }
).n;
console.log(
  JSON.stringify({
    bench: 'scan',
    targetRps: rps,
    durationS: duration,
    sent: result.sent,
    achievedRps: Math.round((result.sent / result.wallS) * 10) / 10,
    errors: result.errors,
    errorCodes: result.codes,
    acceptedScansRecorded: scansRecorded,
    p50Ms: pct(50),
    p95Ms: pct(95),
    p99Ms: pct(99),
    maxMs: pct(100),
    serverBusyMsPerScan: Math.round((elu.active / result.sent) * 1000) / 1000,
    processCpuMsPerScan: Math.round(((cpu.user + cpu.system) / 1000 / result.sent) * 1000) / 1000,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    cpus: availableParallelism(),
  }),
);
await app.close();
await core.close();
await core.mqtt?.close();
rmSync(dir, { recursive: true, force: true });
