/**
 * Load generators for bench/load.ts: open-loop scan requests from a worker thread (its own event loop,
 * so a slow service cannot slow the schedule), MQTT chip telemetry at a fixed rate, socket.io dashboard
 * clients that time the live push of a probe event.
 */
import { Worker } from 'node:worker_threads';
import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';

export interface Window {
  lat: number[];
  errors: number;
  codes: Record<string, number>;
  sent: number;
}

// Plain JS (eval'd worker). Every second it posts the latencies of the answers received in that second.
const SCAN_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { randomBytes } = require('node:crypto');
const { base, token, qr, rps, seconds, lat, lon } = workerData;
let win = { lat: [], errors: 0, codes: {}, sent: 0 };
const start = performance.now(); const total = Math.round(rps * seconds); let sent = 0; let open = 0;
async function one() {
  const t0 = performance.now(); open++;
  try {
    const res = await fetch(base + '/api/scan', { method: 'POST', headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
      body: JSON.stringify({ qr, nonce: randomBytes(12).toString('base64url'), scannedAt: new Date().toISOString(), lat, lon, accuracyM: 5 }) });
    const body = await res.text();
    if (res.status !== 200) { win.errors++; let c = String(res.status); try { c = JSON.parse(body).code || c; } catch {} win.codes[c] = (win.codes[c] || 0) + 1; }
  } catch (e) { win.errors++; const c = (e.cause && e.cause.code) || 'network'; win.codes[c] = (win.codes[c] || 0) + 1; }
  win.lat.push(performance.now() - t0); open--;
}
const flush = setInterval(() => { parentPort.postMessage(win); win = { lat: [], errors: 0, codes: {}, sent: 0 }; }, 1000);
const timer = setInterval(() => {
  const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rps));
  while (sent < due) { sent++; win.sent++; void one(); }
  if (sent >= total) { clearInterval(timer);
    const done = setInterval(() => { if (open === 0 || performance.now() - start > seconds * 1000 + 15000) {
      clearInterval(done); clearInterval(flush); parentPort.postMessage(win); parentPort.postMessage('done'); } }, 50); }
}, 2);
`;

export function startScanLoad(
  o: { base: string; token: string; qr: string; rps: number; seconds: number; lat: number; lon: number },
  onWindow: (w: Window) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const w = new Worker(SCAN_WORKER, { eval: true, workerData: o });
    w.on('message', (m: Window | 'done') => {
      if (m === 'done') void w.terminate().then(() => resolve());
      else onWindow(m);
    });
    w.once('error', reject);
  });
}

/**
 * Chip telemetry over MQTT (QoS 0, like a chip on a plant network) at `rate` per second, plus a probe
 * machine whose power toggles once a second: the service stores every change at once (the steady reports
 * are sampled every 10 s per machine by design), so probe rows time the chip path behind the bulk.
 */
export async function startChips(url: string, machines: string[], rate: number, probe: string) {
  const client = mqtt.connect(url, { reconnectPeriod: 1000 });
  await new Promise<void>((r, j) => client.once('connect', () => r()).once('error', j));
  let sent = 0;
  let i = 0;
  const probes: number[] = []; // wall-clock send times (Date.now(): the service stores its own)
  const t0 = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    while (sent < due) {
      const m = machines[i++ % machines.length]!;
      client.publish(`jianhu/site-a/machines/${m}/telemetry`, JSON.stringify({ powered: true, currentA: 2 }));
      sent++;
    }
  }, 5);
  const probeTimer = setInterval(() => {
    probes.push(Date.now());
    const powered = probes.length % 2 === 1;
    client.publish(
      `jianhu/site-a/machines/${probe}/telemetry`,
      JSON.stringify({ powered, currentA: powered ? 1 : 0 }),
    );
  }, 1000);
  return {
    sent: () => sent,
    probes,
    async stop() {
      clearInterval(timer);
      clearInterval(probeTimer);
      await client.endAsync();
    },
  };
}

/** `n` dashboard clients; each hazard.registered push is timed against when its request was sent. */
export async function startDashboards(base: string, token: string, n: number) {
  const sockets: Socket[] = [];
  const received = new Map<number, number[]>(); // hazardId → receive times (performance.now())
  let events = 0;
  let errors = 0;
  for (let k = 0; k < n; k++) {
    const s = io(base, { auth: { token }, transports: ['websocket'] });
    s.onAny(() => events++);
    s.on('hazard.registered', (e: { payload: { hazardId: number } }) => {
      const list = received.get(e.payload.hazardId) ?? [];
      list.push(performance.now());
      received.set(e.payload.hazardId, list);
    });
    s.on('connect_error', () => errors++);
    sockets.push(s);
  }
  await Promise.all(
    sockets.map((s) => (s.connected ? null : new Promise<void>((r) => s.once('connect', () => r())))),
  );
  return {
    received,
    events: () => events,
    errors: () => errors,
    connected: () => sockets.filter((s) => s.connected).length,
    stop: () => sockets.forEach((s) => s.close()),
  };
}

/** The p-th percentile (nearest rank), one decimal; null for no samples. */
export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 10) / 10
    : null;
};
