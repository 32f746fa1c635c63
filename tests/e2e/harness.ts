import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../src/config/load.ts';
import { startService, type RunningService } from '../../src/main.ts';
import { TEST_PASSWORD, testConfigInput } from '../helpers/test-service.ts';
import type { Clock } from '../../src/platform/shared/clock.ts';
import type { Detection } from '../../src/vision/detect/types.ts';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import { permitBody } from '../helpers/permit-body.ts';

export interface E2ECamera {
  id: string;
  name: string;
  url: string;
}

export interface E2EService {
  service: RunningService;
  url: string;
  /** the same service over HTTPS (self-signed certificate in its data dir) */
  httpsUrl: string;
  dir: string;
  close(): Promise<void>;
}

/**
 * The real service (startService: HTTP, socket.io, live relay, MQTT broker) on a real SQLite file, with
 * the test users of tests/helpers and the given cameras in enterprise ent-a's site.
 */
export async function startE2EService(
  cameras: E2ECamera[],
  extra: Record<string, unknown> = {},
  opts: { clock?: Clock } = {},
): Promise<E2EService> {
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-e2e-'));
  const input = testConfigInput(dir, extra);
  input.server = { host: '127.0.0.1', port: 0, logLevel: 'warn', https: { port: 0 } };
  input.mqtt = { embedded: true, host: '127.0.0.1', port: 0 };
  input.sites = [
    { id: 'site-a', name: '甲-炼钢车间', enterpriseId: 'ent-a', cameras },
    { id: 'site-b', name: '乙-铸造车间', enterpriseId: 'ent-b', cameras: [] },
  ];
  const service = await startService(validateConfig(input), opts);
  return {
    service,
    url: service.url,
    httpsUrl: service.httpsUrl!,
    dir,
    async close() {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Calls the API as a test user (signs in each time; the rate limit allows it for a few users). */
const tokens = new Map<string, string>();
export async function api(
  svc: E2EService,
  username: string,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown>; raw: Buffer }> {
  let token = tokens.get(`${svc.url}|${username}`);
  if (!token) {
    const r = await fetch(`${svc.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: TEST_PASSWORD }),
    });
    token = ((await r.json()) as { token: string }).token;
    tokens.set(`${svc.url}|${username}`, token);
  }
  const res = await fetch(`${svc.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const raw = Buffer.from(await res.arrayBuffer());
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  return {
    status: res.status,
    json: isJson && raw.length ? (JSON.parse(raw.toString()) as Record<string, unknown>) : {},
    raw,
  };
}

/** Last health state ingest published for a camera (from the outbox), or null. */
export function lastHealth(svc: E2EService, cameraId: string): string | null {
  const row = svc.service.services.db
    .prepare(
      "SELECT payload FROM outbox WHERE type = 'camera.healthChanged' AND json_extract(payload, '$.cameraId') = ? ORDER BY id DESC LIMIT 1",
    )
    .get(cameraId) as { payload: string } | undefined;
  return row ? (JSON.parse(row.payload) as { to: string }).to : null;
}

export async function waitForHealth(
  svc: E2EService,
  cameraId: string,
  ok: (state: string | null) => boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok(lastHealth(svc, cameraId))) {
    if (Date.now() > end)
      throw new Error(`camera ${cameraId}: health still ${lastHealth(svc, cameraId)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits until the service's ingest reports the camera online (streams-sim serves it over RTSP). */
export async function ensureCameraOnline(svc: E2EService, cameraId: string): Promise<void> {
  await waitForHealth(svc, cameraId, (s) => s === 'online');
}

/**
 * 持证上岗: a hot-work permit is submitted only for workers holding a valid 焊接与热切割作业 card.
 * Registers one for welder-a through the API unless a test already has.
 */
async function ensureWelderCertified(svc: E2EService): Promise<void> {
  const list = await api(svc, 'safety-a', 'GET', '/api/certificates');
  const cards = list.json as unknown as { username: string; category: string; status: string }[];
  const held = cards.some(
    (c) =>
      c.username === 'welder-a' &&
      c.category === '焊接与热切割作业' &&
      (c.status === 'valid' || c.status === 'expiring'),
  );
  if (held) return;
  const now = Date.now();
  const r = await api(svc, 'safety-a', 'POST', '/api/certificates', {
    username: 'welder-a',
    number: `E2E-${now}`,
    issuedAt: new Date(now - 365 * 86_400_000).toISOString(),
    expiresAt: new Date(now + 2 * 365 * 86_400_000).toISOString(),
  });
  if (r.status !== 201) throw new Error(`certificate: ${JSON.stringify(r.json)}`);
}

/**
 * A 二级 hot-work permit on the given camera, made ready to start through the real API: created,
 * submitted, approved (approver-a with leader authority), gas tested, every measure confirmed.
 */
export async function readyPermit(
  svc: E2EService,
  opts: { cameraId: string; machineIds?: string[] },
): Promise<{ id: string; number: string }> {
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const body = permitBody(now - 60_000, {
    location: '1号转炉平台',
    description: '更换烟道法兰',
    validTo: iso(now + 4 * 3_600_000),
    cameraIds: [opts.cameraId],
    machineIds: opts.machineIds ?? [],
    measures: ['清除10米内可燃物'],
  });
  const p = await api(svc, 'safety-a', 'POST', '/api/permits', body);
  if (p.status !== 201) throw new Error(`permit: ${JSON.stringify(p.json)}`);
  const id = p.json.id as string;
  await ensureWelderCertified(svc);
  const steps: [string, string, string, unknown?][] = [
    ['admin-a', 'PUT', '/api/approvers/approver-a/authority', { authority: 'leader' }],
    ['safety-a', 'POST', `/api/permits/${id}/submit`],
    ['approver-a', 'POST', `/api/permits/${id}/approve`],
    [
      'guardian-a',
      'POST',
      `/api/permits/${id}/gas-tests`,
      { analyst: '王分析', o2Pct: 20.9, combustiblePct: 0.1 },
    ],
    ['guardian-a', 'POST', `/api/permits/${id}/measures/0/confirm`],
  ];
  for (const [user, method, path, body] of steps) {
    const r = await api(svc, user, method as 'POST' | 'PUT', path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(r.json)}`);
  }
  return { id, number: p.json.number as string };
}

/** Waits until `ok()` holds, polling every 250 ms; fails naming `what` after `ms`. */
export async function until(ok: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** How many events of this type the service has written to its outbox. */
export const outboxCount = (svc: E2EService, type: string): number =>
  (
    svc.service.services.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE type = ?').get(type) as {
      n: number;
    }
  ).n;

/**
 * A person without a hard hat on `cameraId`, through the real tracker → rules → violations pipeline:
 * ten detections 0.5 s apart on `frame` (RGB, width × height); returns the first one's time.
 */
export async function raiseNoHelmet(
  svc: E2EService,
  cameraId: string,
  frame: { data: Buffer; width: number; height: number },
): Promise<number> {
  const pipeline = svc.service.services.supervision.pipeline!;
  const person: Detection[] = [
    { label: 'person', score: 0.9, box: [300, 80, 380, 340] },
    { label: 'head', score: 0.8, box: [318, 80, 362, 124] },
  ];
  const t0 = Date.now();
  for (let i = 0; i < 10; i++)
    pipeline.process({
      cameraId,
      frameTs: t0 + i * 500,
      detections: person,
      frame: { cameraId, ts: t0 + i * 500, seq: i, ...frame },
    });
  await pipeline.idle();
  return t0;
}

/**
 * The streams-sim camera `cam-rec` (a test pattern) recorded by the real service through the fMP4
 * relay in 4 s segments, under a started permit; returns once `segments` segments are closed.
 */
export async function startRecordedPermit(segments: number): Promise<{
  sim: Sim;
  svc: E2EService;
  permit: { id: string; number: string };
}> {
  const sim = await startSim({ cameras: ['rec'], sources: [{ kind: 'pattern', variant: 1 }] });
  const svc = await startE2EService([{ id: 'cam-rec', name: '录像摄像头', url: sim.url('rec') }], {
    evidence: { clips: false },
    recording: { segmentSeconds: 4, preRollSeconds: 0, postRollSeconds: 1 },
  });
  await ensureCameraOnline(svc, 'cam-rec');
  const permit = await readyPermit(svc, { cameraId: 'cam-rec' });
  const started = await api(svc, 'guardian-a', 'POST', `/api/permits/${permit.id}/start`);
  if (started.json.state !== 'active') throw new Error(`start: ${JSON.stringify(started.json)}`);
  await until(() => outboxCount(svc, 'recording.segmentClosed') >= segments, 40_000, `${segments} segments`);
  return { sim, svc, permit };
}
