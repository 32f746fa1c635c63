/**
 * npm run bench:load [-- --seconds 300 --cameras 24 --dashboards 50 --scan-rps 200 --chip-rps 500
 *                       --detect --clips]
 * The whole service (`jianhu serve` as a child process, embedded MQTT broker, ingest of `cameras`
 * streams-sim RTSP cameras) under a working day's peak at once: `dashboards` socket.io clients, `scan-rps`
 * accepted QR scans per second (open loop, worker thread), `chip-rps` MQTT chip reports per second and
 * one hazard per second whose live push to every dashboard is timed. Every 10 s one line: throughput,
 * scan latency percentiles, errors, service RSS and CPU, ffmpeg CPU, cameras live. Ends with one JSON
 * line. Detection and evidence clips are off unless asked (--detect, --clips): this measures the
 * service's own work, not the models'.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { startSim } from '../streams-sim/index.ts';
import { childrenOf, cpuSecondsOf, cpuSecondsOfAll } from './proc-cpu.ts';
import { signQr } from '../src/work/machines/machine-token.ts';
import {
  call,
  freePort,
  login,
  spawnService,
  stopProcess,
  writeServeConfig,
} from '../tests/faults/service-process.ts';
import { pct, startChips, startDashboards, startScanLoad, type Window } from './load-generators.ts';
import { approveHotWorkForScans } from './scan-permit.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '300' },
    cameras: { type: 'string', default: '24' },
    dashboards: { type: 'string', default: '50' },
    'scan-rps': { type: 'string', default: '200' },
    'chip-rps': { type: 'string', default: '500' },
    detect: { type: 'boolean', default: false },
    clips: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const cams = Number(values.cameras);
const dashboards = Number(values.dashboards);
const scanRps = Number(values['scan-rps']);
const chipRps = Number(values['chip-rps']);
if (
  ![seconds, cams, dashboards, scanRps, chipRps].every((n) => Number.isFinite(n) && n >= 0) ||
  seconds < 5 ||
  cams < 1
) {
  process.stderr.write('bench:load: --seconds ≥ 5 --cameras ≥ 1, other rates ≥ 0\n');
  process.exit(2);
}
const AT = { lat: 35.4901, lon: 112.8512 };
const log = (s: string) => process.stderr.write(`${s}\n`);

const dir = mkdtempSync(join(tmpdir(), 'jianhu-bench-load-'));
const sim = await startSim({ cameras: cams, port: 0 });
const [port, mqttPort] = [await freePort(), await freePort()];
const config = writeServeConfig(dir, port, mqttPort, {
  server: { host: '127.0.0.1', port, logLevel: 'warn' },
  detect: { enabled: values.detect },
  evidence: { clips: values.clips },
  sites: [
    {
      id: 'site-a',
      name: '甲-炼钢车间',
      enterpriseId: 'ent-a',
      cameras: sim.cameras.map((id) => ({ id, name: id, url: sim.url(id) })),
    },
    { id: 'site-b', name: '乙', enterpriseId: 'ent-b', cameras: [] },
  ],
});
const svc = await spawnService(config, port, 120_000);
const base = svc.base;
const pid = svc.child.pid!;
const auth = Object.fromEntries(
  await Promise.all(
    ['admin-a', 'safety-a', 'approver-a', 'guardian-a', 'welder-a'].map(async (u) => [
      u,
      await login(base, u),
    ]),
  ),
) as Record<string, string>;
const must = async (user: string, method: string, path: string, body?: unknown) => {
  const r = await call(base, auth[user]!, method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
};
const camerasLive = async () =>
  ((await must('safety-a', 'GET', '/api/cameras')).cameras as { live: boolean }[]).filter((c) => c.live)
    .length;

// wait for the fleet (cam1 at least: the permit is bound to it)
const t0Cams = Date.now();
while ((await camerasLive()) < cams && Date.now() - t0Cams < 60_000)
  await new Promise((r) => setTimeout(r, 1000));
const liveAtStart = await camerasLive();
log(`cameras live at start: ${liveAtStart}/${cams} after ${Date.now() - t0Cams} ms`);

// a working day's setup through the API: machine + certificate + approved special permit + gas test
const now = Date.now();
const chipIds = Array.from({ length: 20 }, (_, i) => `C${i + 1}`);
for (const [id, cameraId] of [['M1', 'cam1'], ['CP'], ...chipIds.map((c) => [c])] as [string, string?][])
  await must('admin-a', 'POST', '/api/machines', {
    id,
    name: id,
    siteId: 'site-a',
    ...(cameraId ? { cameraId } : {}),
    ...AT,
  });
await approveHotWorkForScans(must, {
  now,
  certificateNumber: 'T-LOAD-0001',
  location: 'bench:load',
  cameraId: 'cam1',
});
const key = Buffer.from(readFileSync(join(dir, 'secrets', 'machine-qr.key'), 'utf8').trim(), 'base64');
const qr = signQr(key, { machineId: 'M1', version: 1, iat: Math.floor(Date.now() / 1000) });

const rssMb = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const db = new Database(join(dir, 'jianhu.db'), { readonly: true });
const chipRows = () =>
  (db.prepare("SELECT COUNT(*) AS n FROM machine_telemetry WHERE via = 'mqtt'").get() as { n: number }).n;

const dash = await startDashboards(base, auth['safety-a']!.slice(7), dashboards);
const chips = await startChips(`mqtt://127.0.0.1:${mqttPort}`, chipIds, chipRps, 'CP');
const all: number[] = [];
let win: Window = { lat: [], errors: 0, codes: {}, sent: 0 };
const totals = { sent: 0, errors: 0, codes: {} as Record<string, number> };
const scanDone = startScanLoad(
  { base, token: auth['welder-a']!.slice(7), qr, rps: scanRps, seconds, ...AT },
  (w) => {
    win.lat.push(...w.lat);
    win.errors += w.errors;
    win.sent += w.sent;
    all.push(...w.lat);
    totals.sent += w.sent;
    totals.errors += w.errors;
    for (const [c, n] of Object.entries(w.codes)) totals.codes[c] = (totals.codes[c] ?? 0) + n;
  },
);
// one hazard per second: its push to every dashboard is timed
const hazardSent = new Map<number, number>();
let hazardErrors = 0;
let stopping = false;
const hazards = (async () => {
  while (!stopping) {
    const t = performance.now();
    const r = await call(base, auth['safety-a']!, 'POST', '/api/hazards', {
      enterpriseId: 'ent-a',
      source: 'inspection',
      stage: 'self_check',
      checker: 'bench',
      description: 'load',
      hazardType: 'load',
    });
    if (r.status === 201) hazardSent.set(r.json.id as number, t);
    else hazardErrors++;
    await new Promise((res) => setTimeout(res, Math.max(0, 1000 - (performance.now() - t))));
  }
})();

const series: Record<string, unknown>[] = [];
const start = performance.now();
let lastT = start;
let lastSvc = cpuSecondsOf(pid) ?? 0;
let lastFf = 0;
let lastChips = chipRows();
let lastEvents = 0;
let lastChipsSent = 0;
const sample = async () => {
  const t = performance.now();
  const dt = (t - lastT) / 1000;
  const svcCpu = cpuSecondsOf(pid) ?? 0;
  const ffPids = childrenOf(pid);
  const ffCpu = cpuSecondsOfAll(ffPids);
  const rows = chipRows();
  const row = {
    t: Math.round((t - start) / 1000),
    scanRps: Math.round(win.sent / dt),
    scanP50: pct(win.lat, 50),
    scanP95: pct(win.lat, 95),
    scanP99: pct(win.lat, 99),
    scanErrors: win.errors,
    chipRowsPerS: Math.round((rows - lastChips) / dt),
    chipsSentPerS: Math.round((chips.sent() - lastChipsSent) / dt),
    pushEventsPerS: Math.round((dash.events() - lastEvents) / dt),
    dashboardsConnected: dash.connected(),
    camerasLive: await camerasLive().catch(() => -1),
    serviceCpuPct: Math.round(((svcCpu - lastSvc) / dt) * 100),
    ffmpegCpuPct: Math.max(0, Math.round(((ffCpu - lastFf) / dt) * 100)),
    ffmpegProcs: ffPids.length,
    serviceRssMb: Math.round(rssMb()),
    load1m: Math.round(loadavg()[0]! * 10) / 10,
  };
  series.push(row);
  log(JSON.stringify(row));
  [lastT, lastSvc, lastFf, lastChips, lastEvents] = [t, svcCpu, ffCpu, rows, dash.events()];
  lastChipsSent = chips.sent();
  win = { lat: [], errors: 0, codes: {}, sent: 0 };
};
lastFf = cpuSecondsOfAll(childrenOf(pid));
const sampler = setInterval(() => void sample(), 10_000);
await Promise.all([scanDone, new Promise((r) => setTimeout(r, seconds * 1000))]);
stopping = true;
await hazards;
clearInterval(sampler);
await sample();
const chipsSent = chips.sent();
await chips.stop();
await new Promise((r) => setTimeout(r, 2000)); // let the last chip reports land
const pushLat: number[] = [];
let pushMissing = 0;
for (const [id, t] of hazardSent) {
  const got = dash.received.get(id) ?? [];
  pushMissing += dashboards - got.length;
  for (const r of got) pushLat.push(r - t);
}
const chipsStored = chipRows();
const probeRows = db
  .prepare("SELECT at FROM machine_telemetry WHERE machine_id = 'CP' ORDER BY id")
  .all() as { at: number }[];
const chipLat = probeRows.map((r, k) => r.at - (chips.probes[k] ?? r.at));
dash.stop();
db.close();
await stopProcess(svc.child);
await sim.stop();
rmSync(dir, { recursive: true, force: true });
const cpuCol = series.map((s) => s.serviceCpuPct as number);
console.log(
  JSON.stringify({
    bench: 'load',
    seconds,
    cameras: cams,
    camerasLiveAtStart: liveAtStart,
    camerasLiveMin: Math.min(...series.map((s) => s.camerasLive as number)),
    dashboards,
    detect: values.detect,
    clips: values.clips,
    scans: {
      targetRps: scanRps,
      sent: totals.sent,
      errors: totals.errors,
      errorCodes: totals.codes,
      p50Ms: pct(all, 50),
      p95Ms: pct(all, 95),
      p99Ms: pct(all, 99),
      maxMs: pct(all, 100),
    },
    chips: {
      targetRps: chipRps,
      sent: chipsSent,
      rowsStored: chipsStored, // sampled every 10 s per machine, every change at once (by design)
      probes: chips.probes.length,
      probesStored: probeRows.length,
      lagP50Ms: pct(chipLat, 50),
      lagP95Ms: pct(chipLat, 95),
      lagP99Ms: pct(chipLat, 99),
    },
    push: {
      probes: hazardSent.size,
      probeErrors: hazardErrors,
      deliveries: pushLat.length,
      missing: pushMissing,
      p50Ms: pct(pushLat, 50),
      p95Ms: pct(pushLat, 95),
      p99Ms: pct(pushLat, 99),
    },
    service: {
      cpuPctMean: Math.round(cpuCol.reduce((a, b) => a + b, 0) / cpuCol.length),
      cpuPctMax: Math.max(...cpuCol),
      rssMbMax: Math.max(...series.map((s) => s.serviceRssMb as number)),
    },
    ffmpegCpuPctMean: Math.round(series.reduce((a, s) => a + (s.ffmpegCpuPct as number), 0) / series.length),
    load1mMax: Math.max(...series.map((s) => s.load1m as number)),
    cpus: availableParallelism(),
    measuredAt: new Date().toISOString(),
  }),
);
process.exit(0);
