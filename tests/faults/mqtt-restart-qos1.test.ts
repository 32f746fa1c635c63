import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../integration/ingest-helpers.ts';
import { mosquitto } from '../security/mqtt-helpers.ts';
import {
  call,
  freePort,
  login,
  spawnService,
  stopProcess,
  writeServeConfig,
  type ServiceProcess,
} from './service-process.ts';

/**
 * #23: "MQTT events sent while the service restarts are lost (new client id, clean session)". Against
 * Debian's real mosquitto broker (password file made by mosquitto_passwd, an ACL file), the real
 * `jianhu serve` process connects as its own user with its stable client id and a persistent session.
 * The service is stopped (SIGTERM, then kill -9); a chip publishes QoS 1 telemetry with mosquitto_pub
 * while it is down; the service starts again on the same data folder and judges that report exactly
 * once: one telemetry row, one chained 无票动火 violation event.
 */
const HAS_MOSQUITTO = spawnSync('mosquitto', ['-h']).error === undefined;
const SERVICE_USER = 'jianhu-svc';
const SERVICE_PW = 'Svc-Secret-4711';
const CHIP_USER = 'chip-m1';
const CHIP_PW = 'Chip-Secret-0815';
const PW_ENV = 'JIANHU_TEST_BROKER_PASSWORD';

let dir = '';
let brokerPort = 0;
let httpPort = 0;
let config = '';
let broker: ChildProcess | null = null;
let brokerLog = '';
let svc: ServiceProcess | null = null;

function startMosquitto(): Promise<void> {
  const child = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  broker = child;
  child.stdout!.on('data', (c: Buffer) => (brokerLog += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (brokerLog += c.toString()));
  return waitFor(
    () => brokerLog.includes('running'),
    10_000,
    () => `mosquitto did not start: ${brokerLog}`,
  ).then(() => undefined);
}

beforeAll(async () => {
  if (!HAS_MOSQUITTO) return;
  dir = mkdtempSync(join(tmpdir(), 'jianhu-mosq-'));
  // mosquitto started as root drops to its own user, which must be able to read its files
  chmodSync(dir, 0o755);
  brokerPort = await freePort();
  httpPort = await freePort();
  const passwd = join(dir, 'passwd');
  for (const [i, [u, p]] of [
    [SERVICE_USER, SERVICE_PW],
    [CHIP_USER, CHIP_PW],
  ].entries()) {
    const r = spawnSync('mosquitto_passwd', [...(i === 0 ? ['-c'] : []), '-b', passwd, u!, p!]);
    expect(r.status, r.stderr?.toString()).toBe(0);
  }
  writeFileSync(
    join(dir, 'acl'),
    [
      `user ${SERVICE_USER}`,
      'topic readwrite jianhu/#',
      `user ${CHIP_USER}`,
      'topic write jianhu/site-a/machines/M1/telemetry',
      'topic read jianhu/site-a/machines/M1/command',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      `listener ${brokerPort} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${passwd}`,
      `acl_file ${join(dir, 'acl')}`,
      'persistence false',
      'log_dest stderr',
      'log_type all',
      '',
    ].join('\n'),
  );
  chmodSync(passwd, 0o644);
  await startMosquitto();
  const svcDir = join(dir, 'service');
  spawnSync('mkdir', ['-p', svcDir]);
  config = writeServeConfig(svcDir, httpPort, 0, {
    mqtt: {
      embedded: false,
      url: `mqtt://127.0.0.1:${brokerPort}`,
      username: SERVICE_USER,
      passwordEnv: PW_ENV,
      clientId: 'jianhu-service-plant1',
    },
  });
  process.env[PW_ENV] = SERVICE_PW;
}, 30_000);

afterAll(async () => {
  if (svc) await stopProcess(svc.child, 'SIGKILL');
  if (broker) await stopProcess(broker);
  delete process.env[PW_ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const db = () => new Database(join(dir, 'service', 'jianhu.db'), { readonly: true });
function counts(currentA: number): { rows: number; violations: number } {
  const d = db();
  try {
    const rows = (
      d
        .prepare(
          "SELECT COUNT(*) AS n FROM machine_telemetry WHERE machine_id = 'M1' AND via = 'mqtt' AND current_a = ?",
        )
        .get(currentA) as { n: number }
    ).n;
    const violations = (
      d
        .prepare(
          "SELECT COUNT(*) AS n FROM outbox WHERE type = 'machine.violationDetected' AND json_extract(payload, '$.currentA') = ?",
        )
        .get(currentA) as { n: number }
    ).n;
    return { rows, violations };
  } finally {
    d.close();
  }
}

/** The chip as a plant device would send: mosquitto_pub, its own user, QoS 1. */
const chipPublishes = (currentA: number, topic = 'jianhu/site-a/machines/M1/telemetry') =>
  mosquitto('mosquitto_pub', String(brokerPort), [
    ...['-u', CHIP_USER, '-P', CHIP_PW, '-i', CHIP_USER, '-q', '1'],
    ...['-t', topic, '-m', JSON.stringify({ powered: true, currentA })],
  ]);

const serviceSession = () => brokerLog.includes('jianhu-service-plant1');

describe.skipIf(!HAS_MOSQUITTO)('QoS 1 chip reports survive a service restart (Debian mosquitto)', () => {
  it('the service connects as its own user with its stable id and judges a live report', async () => {
    svc = await spawnService(config, httpPort);
    await waitFor(serviceSession, 10_000, () => `service never connected: ${brokerLog.slice(-1500)}`);
    expect(brokerLog).toMatch(/New client connected .* as jianhu-service-plant1 \(p2, c0/);
    const admin = await login(svc.base, 'admin-a');
    const m = await call(svc.base, admin, 'POST', '/api/machines', {
      id: 'M1',
      name: 'M1',
      siteId: 'site-a',
      lat: 35.49,
      lon: 112.85,
    });
    expect(m.status).toBe(201);
    expect((await chipPublishes(101.5)).code).toBe(0);
    await waitFor(
      () => counts(101.5).rows === 1,
      8000,
      () => 'a live chip report was not stored',
    );
    // the broker's ACL holds: the chip cannot report for another machine
    expect((await chipPublishes(102.5, 'jianhu/site-a/machines/M2/telemetry')).code).toBe(0);
  }, 60_000);

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`a report sent while the service is down (${signal}) is judged exactly once after the restart`, async () => {
      await stopProcess(svc!.child, signal);
      svc = null;
      const currentA = signal === 'SIGTERM' ? 131.25 : 142.75;
      const pub = await chipPublishes(currentA);
      expect(pub.code, pub.out).toBe(0);
      expect(counts(currentA)).toEqual({ rows: 0, violations: 0 });
      svc = await spawnService(config, httpPort);
      const ms = await waitFor(
        () => counts(currentA).rows > 0,
        15_000,
        () => `the report sent while the service was down never arrived: ${brokerLog.slice(-3000)}`,
      );
      console.log(`report queued at the broker judged ${ms} ms after the service answered again (${signal})`);
      // a redelivery would show as a second row or a second chained violation
      await new Promise((r) => setTimeout(r, 1500));
      expect(counts(currentA)).toEqual({ rows: 1, violations: 1 });
      expect(counts(102.5)).toEqual({ rows: 0, violations: 0 });
    }, 60_000);
  }
});
