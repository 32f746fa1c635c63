import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import {
  MACHINE_AT,
  addMachineAndLock,
  call,
  deviceCredential,
  startPermitsHarness,
  type PermitsHarness,
} from '../integration/permits-harness.ts';
import { closedWithin, connectAs, mosquitto, type Cred } from './mqtt-helpers.ts';

/**
 * #23 "MQTT is open", as the attacker did it, against the service's real embedded broker: anonymous
 * clients, one device posing as another, the service's client id, $SYS, `#`, retained commands.
 * Before the fix every one of these succeeded (issue #23's transcript; the broker had no hooks).
 */
let h: PermitsHarness;
let port: string;
let m1: Cred;
let m2: Cred;
let l1: Cred;
const open: MqttClient[] = [];
const telemetryRows = (machineId: string) =>
  (
    h.services.db
      .prepare('SELECT COUNT(*) AS n FROM machine_telemetry WHERE machine_id = ?')
      .get(machineId) as {
      n: number;
    }
  ).n;
const keep = (c: MqttClient) => (open.push(c), c);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  h = await startPermitsHarness({ live: true });
  port = new URL(h.mqtt!.url).port;
  await addMachineAndLock(h, 'SXLOCK-7');
  await call(h, 'admin-a', 'POST', '/api/machines', {
    id: 'M2',
    name: '2号焊机',
    siteId: 'site-a',
    ...MACHINE_AT,
  });
  m1 = await deviceCredential(h, 'machine', 'M1');
  m2 = await deviceCredential(h, 'machine', 'M2');
  l1 = await deviceCredential(h, 'lock', 'L1');
});
afterAll(async () => {
  for (const c of open) c.end(true);
  await h?.close();
});

describe('MQTT device identity (#23): the attacks now fail', () => {
  it('anonymous: mosquitto_sub -t "#" and a real mqtt client are refused at CONNECT', async () => {
    const sub = await mosquitto('mosquitto_sub', port, ['-t', '#', '-C', '1', '-W', '2']);
    expect(sub.code).not.toBe(0);
    expect(sub.out).toMatch(/not authori[sz]ed|refused/i);
    await expect(connectAs(h.mqtt!.url, null)).rejects.toThrow(/Not authorized|refused/i);
    // a wrong secret for a real device: refused as well
    await expect(connectAs(h.mqtt!.url, { username: m1.username, secret: 'x'.repeat(43) })).rejects.toThrow(
      /Bad username or password|refused/i,
    );
  });

  it('a device sees only its own command topic: `#` and $SYS are refused (SUBACK 0x80)', async () => {
    const c = keep(await connectAs(h.mqtt!.url, m1));
    // mqtt.js reports a SUBACK of 0x80 as an error: each forbidden filter is refused on its own
    for (const filter of [
      '#',
      '$SYS/#',
      '$SYS/+/clients/#',
      'jianhu/site-a/locks/L1/command',
      'jianhu/+/machines/+/telemetry',
      // site alerts (无票动火, lock breaches) name enterprises: no device listens in on them
      'jianhu/alerts/#',
      'jianhu/site-a/alerts/#',
    ])
      await expect(c.subscribeAsync(filter, { qos: 1 }), filter).rejects.toThrow(/Subscribe error/);
    expect((await c.subscribeAsync('jianhu/site-a/machines/M1/command', { qos: 1 }))[0]!.qos).toBe(1);
    // mosquitto_sub as the device, on $SYS where the service's client id used to show: nothing
    const sys = await mosquitto('mosquitto_sub', port, [
      '-i',
      m1.username,
      '-u',
      m1.username,
      '-P',
      m1.secret,
      '-t',
      '$SYS/#',
      '-C',
      '1',
      '-W',
      '2',
    ]);
    expect(sys.out).not.toContain('jianhu-service');
    const heard: string[] = [];
    c.on('message', (t) => heard.push(t));
    // another device's telemetry and the lock's unlock commands are not delivered to it
    await mosquitto('mosquitto_pub', port, [
      '-i',
      m2.username,
      '-u',
      m2.username,
      '-P',
      m2.secret,
      '-q',
      '1',
      '-t',
      'jianhu/site-a/machines/M2/telemetry',
      '-m',
      '{"powered":false,"currentA":0}',
    ]);
    await sleep(300);
    expect(heard.filter((t) => !t.endsWith('/M1/command'))).toEqual([]);
  });

  it("device A publishing device B's telemetry is refused (connection closed, no row, no 无票动火)", async () => {
    const before = telemetryRows('M2');
    const c = keep(await connectAs(h.mqtt!.url, m1));
    c.publish('jianhu/site-a/machines/M2/telemetry', JSON.stringify({ powered: true, currentA: 150 }), {
      qos: 1,
    });
    expect(await closedWithin(c, 3000)).toBe(true);
    // the same with mosquitto_pub
    const r = await mosquitto('mosquitto_pub', port, [
      '-i',
      m1.username,
      '-u',
      m1.username,
      '-P',
      m1.secret,
      '-q',
      '1',
      '-t',
      'jianhu/site-a/machines/M2/telemetry',
      '-m',
      '{"powered":true,"currentA":150}',
    ]);
    await sleep(300);
    expect(telemetryRows('M2')).toBe(before);
    const flagged = h.services.db
      .prepare(
        "SELECT COUNT(*) AS n FROM outbox WHERE type = 'machine.violationDetected' AND payload LIKE '%\"M2\"%'",
      )
      .get() as { n: number };
    expect(flagged.n).toBe(0);
    expect(r.out).not.toContain('150');
    // its own topic still works
    const own = keep(await connectAs(h.mqtt!.url, m2));
    await own.publishAsync(
      'jianhu/site-a/machines/M2/telemetry',
      JSON.stringify({ powered: true, currentA: 0 }),
      { qos: 1 },
    );
    await sleep(200);
    expect(telemetryRows('M2')).toBe(before + 1);
  });

  it("nobody takes over the service's client id or another device's", async () => {
    expect(h.mqtt!.connected()).toBe(true);
    await expect(connectAs(h.mqtt!.url, m1, { clientId: 'jianhu-service' })).rejects.toThrow(
      /Not authorized|refused/i,
    );
    await expect(connectAs(h.mqtt!.url, m1, { clientId: m2.username })).rejects.toThrow(
      /Not authorized|refused/i,
    );
    await expect(
      connectAs(h.mqtt!.url, null, {
        clientId: 'jianhu-service',
        username: 'jianhu-service',
        password: 'guess',
      }),
    ).rejects.toThrow(/Bad username or password|refused/i);
    await sleep(200);
    // the service was never kicked off: still connected and still hearing chips
    expect(h.mqtt!.connected()).toBe(true);
  });

  it('a device cannot publish commands, retained or not; no retained command is redelivered', async () => {
    const c = keep(await connectAs(h.mqtt!.url, l1));
    c.publish('jianhu/site-a/locks/L1/command', JSON.stringify({ action: 'unlock', grantId: 'x' }), {
      qos: 1,
      retain: true,
    });
    expect(await closedWithin(c, 3000)).toBe(true);
    const r = await mosquitto('mosquitto_pub', port, [
      '-i',
      m1.username,
      '-u',
      m1.username,
      '-P',
      m1.secret,
      '-r',
      '-q',
      '1',
      '-t',
      'jianhu/site-a/machines/M1/command',
      '-m',
      '{"action":"power_off"}',
    ]);
    expect(r.code).not.toBe(0);
    // the service's own commands go out unretained (the bus never sets retain; the broker refuses
    // retain on any command topic, the service's included)
    await expect(
      (h.mqtt as unknown as { publish: (t: string, p: unknown) => Promise<void> }).publish(
        'jianhu/site-a/machines/M1/command',
        { x: 1 },
      ),
    ).resolves.toBeUndefined(); // not retained: allowed
    // a device that (re)subscribes gets no retained command
    const fresh = keep(await connectAs(h.mqtt!.url, l1));
    const got: string[] = [];
    fresh.on('message', (_t, p, packet) => packet.retain && got.push(p.toString()));
    await fresh.subscribeAsync('jianhu/site-a/locks/L1/command', { qos: 1 });
    const m1fresh = keep(await connectAs(h.mqtt!.url, m1));
    m1fresh.on('message', (_t, p, packet) => packet.retain && got.push(p.toString()));
    await m1fresh.subscribeAsync('jianhu/site-a/machines/M1/command', { qos: 1 });
    await sleep(300);
    expect(got).toEqual([]);
  });

  it('a revoked credential is refused and its live connection ended', async () => {
    const c = keep(await connectAs(h.mqtt!.url, m2));
    expect((await call(h, 'admin-a', 'DELETE', '/api/machines/M2/mqtt-credential')).status).toBe(204);
    expect(await closedWithin(c, 2000)).toBe(true);
    await expect(connectAs(h.mqtt!.url, m2)).rejects.toThrow(/Bad username or password|refused/i);
    // another enterprise's administrator cannot issue M1 a credential (404: not theirs)
    expect((await call(h, 'admin-b', 'POST', '/api/machines/M1/mqtt-credential')).status).toBe(404);
  });
});
