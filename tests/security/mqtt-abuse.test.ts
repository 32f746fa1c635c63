import { connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { startChipsSim, type ChipsSim } from '../../streams-sim/chips-sim.ts';
import {
  addMachineAndLock,
  approveWithGasTest,
  call,
  deviceCredential,
  startPermitsHarness,
  type PermitsHarness,
} from '../integration/permits-harness.ts';
import { connectAs, type Cred } from './mqtt-helpers.ts';
import { permitBody } from '../helpers/permit-body.ts';

/**
 * #23's resource and replay attacks against the real embedded broker: a 128 MB publish, a 10 s flood
 * of fake `opened` reports, a replayed or expired unlock. Before the fix: 4 × 128 MB took the service
 * from 214 MB to 1.5 GB; a 10 s flood wrote 85,657 chained rows; a bare grant id in a replayed unlock
 * was obeyed by the simulated padlock.
 */
let h: PermitsHarness;
let port: number;
let m1: Cred;
let l1: Cred;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (sql: string) => (h.services.db.prepare(sql).get() as { n: number }).n;
const rows = () =>
  count('SELECT COUNT(*) AS n FROM outbox') +
  count('SELECT COUNT(*) AS n FROM lock_events') +
  count('SELECT COUNT(*) AS n FROM machine_telemetry');

/** An MQTT 3.1.1 CONNECT with username and password, written by hand (a raw socket, no client library). */
function connectPacket(c: Cred): Buffer {
  const str = (v: string) => {
    const b = Buffer.from(v);
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  };
  const body = Buffer.concat([
    str('MQTT'),
    Buffer.from([4, 0xc2, 0, 30]), // level 4; flags: username, password, clean session; keepalive 30 s
    str(c.username),
    str(c.username),
    str(c.secret),
  ]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]); // < 128 bytes: one length byte
}

beforeAll(async () => {
  h = await startPermitsHarness({ live: true });
  port = Number(new URL(h.mqtt!.url).port);
  await addMachineAndLock(h, 'SXLOCK-8');
  m1 = await deviceCredential(h, 'machine', 'M1');
  l1 = await deviceCredential(h, 'lock', 'L1');
});
afterAll(async () => h?.close());

describe('MQTT abuse (#23): the attacks now fail', () => {
  it('a 128 MB publish is refused from its header: the connection closes, memory does not grow', async () => {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const sock = tcpConnect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write(connectPacket(m1));
    await new Promise<void>((r) => sock.once('data', () => r())); // CONNACK
    // PUBLISH header announcing 128 MB, then the body streamed in 1 MB chunks until the broker hangs up
    const total = 128 * 1024 * 1024;
    const len: number[] = [];
    for (let x = total + 2 + 'jianhu/site-a/machines/M1/telemetry'.length; x > 0; x = Math.floor(x / 128))
      len.push((x % 128) | (x >= 128 ? 0x80 : 0));
    const topic = Buffer.from('jianhu/site-a/machines/M1/telemetry');
    sock.write(Buffer.from([0x30, ...len, topic.length >> 8, topic.length & 0xff]));
    sock.write(topic);
    let closed = false;
    sock.on('close', () => (closed = true));
    sock.on('error', () => {});
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    let sent = 0;
    while (!closed && sent < total) {
      if (!sock.write(chunk)) await new Promise((r) => sock.once('drain', r).once('close', r));
      sent += chunk.length;
    }
    await sleep(200);
    expect(closed).toBe(true);
    expect(sent).toBeLessThan(32 * 1024 * 1024);
    const grownMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    console.log(JSON.stringify({ oversizedSentMb: sent / 1024 / 1024, rssGrowthMb: Math.round(grownMb) }));
    expect(grownMb).toBeLessThan(64);
    // the service still answers and still hears its chips
    expect(h.mqtt!.connected()).toBe(true);
  });

  it('a 10 s flood of fake `opened` reports and alternating chip reports writes bounded rows, one alarm', async () => {
    const before = rows();
    const alarmsBefore = count("SELECT COUNT(*) AS n FROM outbox WHERE type = 'lock.violationDetected'");
    const end = Date.now() + 10_000;
    const flood = async (cred: Cred, topic: string, body: (k: number) => object) => {
      let sent = 0;
      while (Date.now() < end) {
        let c: MqttClient;
        try {
          c = await connectAs(h.mqtt!.url, cred);
        } catch {
          await sleep(50);
          continue;
        }
        c.on('error', () => {});
        // QoS 0 as fast as the socket takes it, until the broker cuts the connection
        while (c.connected && Date.now() < end) {
          c.publish(topic, JSON.stringify(body(sent++)), { qos: 0 });
          if (sent % 200 === 0) await sleep(1);
        }
        c.end(true);
      }
      return sent;
    };
    const [lockSent, chipSent] = await Promise.all([
      flood(l1, 'jianhu/site-a/locks/L1/event', () => ({ event: 'opened' })),
      flood(m1, 'jianhu/site-a/machines/M1/telemetry', (k) => ({ powered: k % 2 === 0, currentA: 0 })),
    ]);
    await sleep(300);
    const written = rows() - before;
    const alarms =
      count("SELECT COUNT(*) AS n FROM outbox WHERE type = 'lock.violationDetected'") - alarmsBefore;
    console.log(JSON.stringify({ floodSent: lockSent + chipSent, rowsWritten: written, lockAlarms: alarms }));
    expect(lockSent + chipSent).toBeGreaterThan(1000);
    // 10 s × 2 devices × (10/s + a burst of 20) × at most 3 rows per report, far below 85,657
    expect(written).toBeLessThan(1000);
    expect(alarms).toBe(1);
  }, 30_000);

  it('the padlock refuses a replayed, expired or unsigned unlock; a replayed `opened` is no breach', async () => {
    h.services.devices.acceptSeq('lock', 'L1', 1); // fresh sequence for this test's lock
    let sim: ChipsSim | null = null;
    try {
      // the lock is closed again after the flood
      const closer = await connectAs(h.mqtt!.url, l1);
      await closer.publishAsync('jianhu/site-a/locks/L1/event', JSON.stringify({ event: 'closed' }), {
        qos: 1,
      });
      await closer.endAsync();
      sim = await startChipsSim({
        url: h.mqtt!.url,
        prefix: 'jianhu',
        site: 'site-a',
        machine: 'M1',
        lock: 'L1',
        scenario: 'demo',
        authorisation: null,
        intervalMs: 20,
        ticks: 0,
        log: () => {},
        machineCredential: m1,
        lockCredential: l1,
        now: () => h.clock.now(),
      });
      const sniffed: string[] = [];
      await h.mqtt!.subscribe('jianhu/site-a/locks/L1/command', (_t, p) => sniffed.push(p.toString()));
      const body = permitBody(h.clock.now(), {
        kind: 'confined_space',
        location: '罐',
        cameraIds: ['cam-tank'],
        lockIds: ['L1'],
      });
      const p = await call(h, 'safety-a', 'POST', '/api/permits', body);
      const id = p.body.id as string;
      await approveWithGasTest(h, id, 'unit', { analyst: '李', o2Pct: 20.7, combustiblePct: 0 });
      await call(h, 'guardian-a', 'POST', `/api/permits/${id}/guardian/check-in`);
      h.health('cam-tank', 'online');
      const breachesBefore = count("SELECT COUNT(*) AS n FROM outbox WHERE type = 'lock.violationDetected'");
      expect((await call(h, 'guardian-a', 'POST', '/api/locks/L1/unlock', { permitId: id })).status).toBe(
        200,
      );
      await sleep(300);
      expect(
        count(
          "SELECT COUNT(*) AS n FROM lock_events WHERE lock_id = 'L1' AND authorised = 1 AND event = 'opened'",
        ),
      ).toBeGreaterThan(0);
      expect(sniffed).toHaveLength(1);
      const genuine = JSON.parse(sniffed[0]!) as Record<string, unknown>;
      expect(genuine).not.toHaveProperty('grantId'); // never a bare grant id
      // an attacker with a device credential cannot even put the replay on the command topic
      const attacker = await connectAs(h.mqtt!.url, m1);
      attacker.on('error', () => {});
      attacker.publish('jianhu/site-a/locks/L1/command', sniffed[0]!, { qos: 1 });
      await sleep(200);
      attacker.end(true);
      // delivered anyway (as if off the wire): the padlock verifies and refuses each
      const deliver = (body: unknown) => h.mqtt!.publish('jianhu/site-a/locks/L1/command', body);
      await deliver(genuine); // replay: same sequence
      await deliver({ action: 'unlock', grantId: genuine.ref }); // the old bare grant id
      await deliver({ ...genuine, seq: (genuine.seq as number) + 1 }); // new sequence, old signature
      // signed by the service but past its expiry (the padlock's clock is the service's here)
      await deliver(
        h.services.devices.signCommand('lock', 'L1', {
          action: 'unlock',
          ref: 'late',
          exp: h.clock.now() - 1,
        }),
      );
      await sleep(300);
      expect(sim.refused.map((r) => r.why)).toEqual([
        'replayed',
        'bad_signature',
        'bad_signature',
        'expired',
      ]);
      const opened = count("SELECT COUNT(*) AS n FROM lock_events WHERE lock_id = 'L1' AND event = 'opened'");
      // a sniffed `opened` event replayed with its old sequence is refused: the genuine opening stays authorised
      const seq = (
        h.services.db.prepare("SELECT last_seq AS s FROM mqtt_devices WHERE device_id = 'L1'").get() as {
          s: number;
        }
      ).s;
      const replayer = await connectAs(h.mqtt!.url, l1);
      await replayer.publishAsync(
        'jianhu/site-a/locks/L1/event',
        JSON.stringify({ event: 'closed', seq: seq + 1 }),
        { qos: 1 },
      );
      await replayer.publishAsync(
        'jianhu/site-a/locks/L1/event',
        JSON.stringify({ event: 'opened', grantId: genuine.ref, seq }),
        { qos: 1 },
      );
      await replayer.endAsync();
      await sleep(300);
      expect(count("SELECT COUNT(*) AS n FROM outbox WHERE type = 'lock.violationDetected'")).toBe(
        breachesBefore,
      );
      expect(count("SELECT COUNT(*) AS n FROM lock_events WHERE lock_id = 'L1' AND event = 'opened'")).toBe(
        opened,
      );
    } finally {
      await sim?.stop();
    }
  });
});
