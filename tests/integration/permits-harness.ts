import jsQRImport from 'jsqr';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { AppServices } from '../../src/app-services.ts';
import { validateConfig } from '../../src/config/load.ts';
import type { HealthState } from '../../src/video/ingest/types.ts';
import type { WorkContext } from '../../src/work/module.ts';
import type { CameraLiveness } from '../../src/work/permits/gate.ts';
import { createMqttBus, type MqttBus } from '../../src/platform/mqtt/mqtt-bus.ts';
import { attachRealtime } from '../../src/platform/realtime/realtime.ts';
import { createServices } from '../../src/services.ts';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { createLogger } from '../../src/platform/shared/logger.ts';
import { signInWith, testConfigInput } from '../helpers/test-service.ts';
import { certifyWorkers } from '../helpers/certificates.ts';

/** site-a's cameras, a machine spot and a confined-space entrance used by the permit tests. */
export const SITE_A = {
  id: 'site-a',
  name: '甲-炼钢车间',
  enterpriseId: 'ent-a',
  cameras: [
    { id: 'cam-weld', name: '焊接点', url: 'rtsp://127.0.0.1:1/weld' },
    { id: 'cam-tank', name: '储罐入口', url: 'rtsp://127.0.0.1:1/tank' },
  ],
};
export const MACHINE_AT = { lat: 35.4901, lon: 112.8512 };

export function permitsConfigInput(dir: string, extra: Record<string, unknown> = {}) {
  const base = testConfigInput(dir);
  return {
    ...base,
    sites: [SITE_A, (base.sites as unknown[])[1]],
    ...extra,
  };
}

/**
 * `permits.night` for a harness on the real clock (`start: Date.now()`, where real video must line up
 * with the permit): the local offset is set so that now is about noon, so a hot-work window of a few
 * hours never counts as night (夜间 raises 二级 to 一级) whatever hour the suite runs at.
 */
export function daytimeNight(now: number): { startHour: number; endHour: number; utcOffsetMinutes: number } {
  const minutesUtc = Math.floor((now % 86_400_000) / 60_000);
  let offset = 12 * 60 - minutesUtc;
  if (offset < -720) offset += 1440;
  if (offset > 720) offset -= 1440;
  return { startHour: 20, endHour: 6, utcOffsetMinutes: offset };
}

export interface PermitsHarness {
  app: FastifyInstance;
  services: AppServices & { close(): Promise<void> };
  /** the work context (permits, machines, locks...) */
  mod: WorkContext;
  clock: FakeClock;
  /** with `live`: the listening URL, the embedded broker and socket.io are up */
  url: string;
  mqtt: MqttBus | null;
  login(username: string): Promise<string>;
  /** What ingest publishes when a camera's health changes. */
  health(cameraId: string, to: HealthState): void;
  close(): Promise<void>;
}

/**
 * A real service on a temp SQLite file with the permits module wired (driven through inject()).
 * `certified`: workers given a valid card in every category a kind requires (default welder-a, the
 * worker the permit tests name; [] for a test about an uncertified worker).
 */
export async function startPermitsHarness(
  opts: {
    start?: number;
    live?: boolean;
    liveness?: CameraLiveness;
    certified?: readonly string[];
    /** start the permit recorder (it reads the video context's fMP4 relay) */
    record?: boolean;
    extra?: Record<string, unknown>;
  } = {},
): Promise<PermitsHarness> {
  const start = opts.start ?? Date.UTC(2026, 0, 5, 2, 0, 0);
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-permits-'));
  const config = validateConfig(
    permitsConfigInput(dir, {
      ...(opts.live ? { mqtt: { embedded: true, host: '127.0.0.1', port: 0 } } : {}),
      ...opts.extra,
    }),
  );
  const clock = new FakeClock(start);
  const logger = createLogger('silent');
  const services = await createServices(config, {
    clock,
    logger,
    mqtt: opts.live ? (p) => createMqttBus(config, { logger, devices: p.devices }) : null,
    ...(opts.liveness ? { liveness: opts.liveness } : {}),
  });
  if (opts.record) services.recording.start();
  certifyWorkers(services, opts.certified ?? ['welder-a']);
  const mod = services.work;
  const mqtt = services.mqtt;
  const app = await buildApp(services, { logRequests: false });
  const realtime = opts.live ? attachRealtime(app.server, services) : null;
  let url = '';
  if (opts.live) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  } else {
    await app.ready();
  }
  const last = new Map<string, HealthState>();
  return {
    app,
    services,
    mod,
    clock,
    url,
    mqtt,
    login: signInWith(app),
    health(cameraId, to) {
      services.bus.publish('camera.healthChanged', 'ent-a', {
        cameraId,
        siteId: 'site-a',
        from: last.get(cameraId) ?? null,
        to,
        reason: to === 'online' ? 'frames_ok' : 'no_frames',
        message: to === 'online' ? '在线 online' : '离线 offline',
        since: new Date(clock.now()).toISOString(),
      });
      last.set(cameraId, to);
    },
    async close() {
      await realtime?.close();
      await app.close();
      await services.close();
      await mqtt?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const nonce = () => randomBytes(12).toString('base64url');

/** Thin helper: inject with a signed-in user, returning status and parsed JSON. */
export async function call(
  h: PermitsHarness,
  user: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<{ status: number; body: Record<string, unknown> & { code?: string } }> {
  const res = await h.app.inject({
    method,
    url,
    headers: { authorization: await h.login(user) },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as never) : ({} as never) };
}

/**
 * A scan request as welder-a's phone sends it standing at the machine (MACHINE_AT, 8 m accuracy), now
 * on the harness clock, with a fresh nonce; `over` sets the QR or code and changes any field.
 */
export function scanAtMachine(h: PermitsHarness, over: Record<string, unknown> = {}) {
  return {
    nonce: nonce(),
    scannedAt: new Date(h.clock.now()).toISOString(),
    lat: MACHINE_AT.lat,
    lon: MACHINE_AT.lon,
    accuracyM: 8,
    ...over,
  };
}

/** A welding machine at cam-weld on site-a, standing at MACHINE_AT, registered by admin-a. */
export function addMachine(h: PermitsHarness, id: string, name: string) {
  return call(h, 'admin-a', 'POST', '/api/machines', {
    id,
    name,
    siteId: 'site-a',
    cameraId: 'cam-weld',
    ...MACHINE_AT,
  });
}

/**
 * Welding machine M1 at cam-weld and padlock L1 at cam-tank on site-a, registered by admin-a: what the
 * chip and padlock tests report telemetry and lock events for. `lockCode` is the padlock's own code.
 */
export async function addMachineAndLock(h: PermitsHarness, lockCode: string): Promise<void> {
  await addMachine(h, 'M1', '1号焊机');
  await call(h, 'admin-a', 'POST', '/api/locks', {
    id: 'L1',
    name: '入口',
    siteId: 'site-a',
    code: lockCode,
    cameraId: 'cam-tank',
  });
}

/** A device's MQTT credential, issued through the admin API as an administrator would (#23). */
export async function deviceCredential(
  h: PermitsHarness,
  kind: 'machine' | 'lock',
  id: string,
): Promise<{ username: string; secret: string }> {
  const r = await call(
    h,
    'admin-a',
    'POST',
    `/api/${kind === 'machine' ? 'machines' : 'locks'}/${id}/mqtt-credential`,
  );
  if (r.status !== 201)
    throw new Error(`credential for ${kind} ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return { username: r.body.username as string, secret: r.body.secret as string };
}

/**
 * Takes a drafted permit to approved with its gas test recorded: submitted by safety-a, approved by
 * approver-a once given `authority`, gas test by guardian-a. Statuses are not checked here: the
 * tests that use it assert on what the approved permit then allows.
 */
export async function approveWithGasTest(
  h: PermitsHarness,
  permitId: string,
  authority: string,
  gasTest: { analyst: string; combustiblePct: number; o2Pct: number },
): Promise<void> {
  await call(h, 'safety-a', 'POST', `/api/permits/${permitId}/submit`);
  await call(h, 'admin-a', 'PUT', '/api/approvers/approver-a/authority', { authority });
  await call(h, 'approver-a', 'POST', `/api/permits/${permitId}/approve`);
  await call(h, 'guardian-a', 'POST', `/api/permits/${permitId}/gas-tests`, gasTest);
}

type JsQR = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
/** jsqr is CommonJS with an ES-style default in its types: take whichever the loader hands us. */
export const decodeQr: JsQR = ((jsQRImport as unknown as { default?: JsQR }).default ??
  jsQRImport) as unknown as JsQR;
