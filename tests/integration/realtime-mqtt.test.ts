import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { topicMatches } from '../../src/platform/mqtt/mqtt-bus.ts';
import { createLogger } from '../../src/platform/shared/logger.ts';
import { startTestBus } from '../helpers/test-bus.ts';
import { attachRealtime } from '../../src/platform/realtime/realtime.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { DiskBudget } from '../../src/video/recording/disk-budget.ts';

let t: TestService;
let url: string;
let realtime: ReturnType<typeof attachRealtime>;

beforeAll(async () => {
  t = await startTestService({
    extra: {
      sites: [
        {
          id: 'site-a',
          name: '甲',
          enterpriseId: 'ent-a',
          cameras: [{ id: 'cam-a1', name: 'A1', url: 'rtsp://127.0.0.1:1/a1' }],
        },
        {
          id: 'site-b',
          name: '乙',
          enterpriseId: 'ent-b',
          cameras: [{ id: 'cam-b1', name: 'B1', url: 'rtsp://127.0.0.1:1/b1' }],
        },
      ],
    },
  });
  realtime = attachRealtime(t.app.server, t.services);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = t.app.server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  await realtime.close();
  await t.close();
});

async function client(username: string | null): Promise<Socket> {
  const token = username ? (await t.login(username)).slice('Bearer '.length) : 'bogus';
  const socket = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
  return socket;
}

describe('socket.io realtime', () => {
  it('rejects a handshake without a valid token', async () => {
    await expect(client(null)).rejects.toThrow(/JH_ERR_AUTH/);
  });

  it('delivers an enterprise event to that enterprise and its regulator only', async () => {
    const a = await client('safety-a');
    const b = await client('safety-b');
    const reg = await client('regulator-z');
    const got: Record<string, unknown[]> = { a: [], b: [], reg: [] };
    a.on('camera.healthChanged', (e) => got.a!.push(e));
    b.on('camera.healthChanged', (e) => got.b!.push(e));
    reg.on('camera.healthChanged', (e) => got.reg!.push(e));
    t.services.bus.transaction(() =>
      t.services.bus.publish('camera.healthChanged', 'ent-a', {
        cameraId: 'cam-a1',
        siteId: 'site-a',
        from: 'online',
        to: 'offline',
        reason: 'connection_refused',
        message: '摄像头离线',
        since: new Date().toISOString(),
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(got.a).toHaveLength(1);
    expect(got.reg).toHaveLength(1);
    expect(got.b).toHaveLength(0);
    expect(got.a![0]).toMatchObject({
      type: 'camera.healthChanged',
      enterpriseId: 'ent-a',
      payload: { cameraId: 'cam-a1', to: 'offline' },
    });
    for (const s of [a, b, reg]) s.close();
  });

  it('refuses to join another tenant camera room', async () => {
    const a = await client('safety-a');
    const own = await a.emitWithAck('camera:subscribe', 'cam-a1');
    const other = await a.emitWithAck('camera:subscribe', 'cam-b1');
    expect(own).toEqual({ ok: true });
    expect(other).toEqual({ ok: false, code: 'JH_ERR_TENANCY_NOT_FOUND' });
    a.close();
  });
});

describe('MQTT bus', () => {
  let bus: Awaited<ReturnType<typeof startTestBus>>;
  beforeAll(async () => {
    bus = await startTestBus();
  });
  afterAll(async () => {
    await bus.close();
  });

  it('matches topic filters', () => {
    expect(topicMatches('jianhu/+/machines/#', 'jianhu/s1/machines/m1/telemetry')).toBe(true);
    expect(topicMatches('jianhu/+/machines/+', 'jianhu/s1/machines/m1/telemetry')).toBe(false);
    expect(topicMatches('a/b', 'a/b')).toBe(true);
  });

  it('receives a message published by Debian mosquitto_pub through the embedded broker', async () => {
    const which = spawnSync('sh', ['-c', 'command -v mosquitto_pub']);
    expect(which.status, 'mosquitto_pub is installed by scripts/setup.sh').toBe(0);
    // anonymous clients are refused (#23): the chip publishes with its own credential and client id
    const { username, secret } = bus.devices.issue(
      { kind: 'machine', id: 'M9', siteId: 'site-a', enterpriseId: 'ent-a' },
      null,
    );
    const received = new Promise<{ topic: string; body: string }>((resolve) =>
      bus.subscribe('jianhu/+/machines/#', (topic, payload) => resolve({ topic, body: payload.toString() })),
    );
    await new Promise((r) => setTimeout(r, 100));
    const port = new URL(bus.url).port;
    // Asynchronous: the broker runs in this process and must keep answering while mosquitto_pub runs.
    await promisify(execFile)('mosquitto_pub', [
      '-h',
      '127.0.0.1',
      '-p',
      port,
      '-i',
      username,
      '-u',
      username,
      '-P',
      secret,
      '-q',
      '1',
      '-t',
      'jianhu/site-a/machines/M9/telemetry',
      '-m',
      '{"ok":true}',
    ]);
    await expect(received).resolves.toEqual({
      topic: 'jianhu/site-a/machines/M9/telemetry',
      body: '{"ok":true}',
    });
  });

  it('carries a site alert (a lock opened without a grant) to MQTT and to GET /api/alerts, tenant by tenant', async () => {
    const alerts = t.services.oversight.alerts;
    const off = alerts.bridgeToMqtt(t.services.bus, bus, 'jianhu', createLogger('silent'));
    const received = new Promise<{ topic: string; body: Record<string, unknown> }>((resolve) =>
      bus.subscribe('jianhu/alerts/#', (topic, payload) =>
        resolve({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown> }),
      ),
    );
    await new Promise((r) => setTimeout(r, 100));
    t.services.bus.transaction(() =>
      t.services.bus.publish('lock.violationDetected', 'ent-a', {
        lockId: 'L1',
        siteId: 'site-a',
        cameraId: 'cam-a1',
        event: 'opened_without_authorisation',
        permitId: null,
        authorised: false,
        messageZh: '受限空间入口门锁 1号罐 未经授权被打开',
        message: 'Confined-space lock 1号罐 opened without authorisation',
      }),
    );
    await expect(received).resolves.toMatchObject({
      topic: 'jianhu/alerts/ent-a/high',
      body: { severity: 'high', titleZh: '受限空间入口门锁 1号罐 未经授权被打开', cameraId: 'cam-a1' },
    });
    off();
    const get = async (user: string) =>
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/alerts',
          headers: { authorization: await t.login(user) },
        })
      ).json() as { items: { type: string; titleZh: string }[] };
    expect((await get('safety-a')).items).toContainEqual(
      expect.objectContaining({
        type: 'lock.violationDetected',
        titleZh: '受限空间入口门锁 1号罐 未经授权被打开',
      }),
    );
    expect((await get('safety-b')).items).toEqual([]);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/alerts?hours=9999',
      headers: { authorization: await t.login('safety-a') },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'JH_ERR_HTTP_VALIDATION' });
  });

  it('raises the recording disk alarm (#27) as a site alert on every wall, over socket.io and MQTT, and clears it', async () => {
    let diskPct = 90;
    const budget = new DiskBudget(t.services.recording.repo, t.services.bus, t.dir, 1300, 85, () => diskPct);
    const off = t.services.oversight.alerts.bridgeToMqtt(
      t.services.bus,
      bus,
      'jianhu',
      createLogger('silent'),
    );
    const mqtt: { topic: string; body: Record<string, unknown> }[] = [];
    bus.subscribe('jianhu/alerts/_/#', (topic, payload) =>
      mqtt.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown> }),
    );
    const a = await client('safety-a');
    const b = await client('safety-b');
    const heard: unknown[] = [];
    a.on('recording.diskAlarm', (e) => heard.push(e));
    b.on('recording.diskAlarm', (e) => heard.push(e));
    await new Promise((r) => setTimeout(r, 100));
    expect(budget.check()).toMatchObject({ ok: false });
    expect(budget.check()).toMatchObject({ ok: false }); // one event per change, not per check
    await expect.poll(() => mqtt.length, { timeout: 3000 }).toBe(1);
    expect(mqtt[0]).toMatchObject({
      topic: 'jianhu/alerts/_/high',
      body: {
        type: 'recording.diskAlarm',
        severity: 'high',
        enterpriseId: null,
        titleZh: '录像存储即将用满，请扩容或缩短保存期',
      },
    });
    await expect.poll(() => heard.length, { timeout: 3000 }).toBe(2); // both tenants' walls
    for (const user of ['safety-a', 'safety-b']) {
      const r = await t.app.inject({
        method: 'GET',
        url: '/api/alerts',
        headers: { authorization: await t.login(user) },
      });
      expect((r.json() as { items: { type: string; severity: string }[] }).items).toContainEqual(
        expect.objectContaining({ type: 'recording.diskAlarm', severity: 'high' }),
      );
    }
    diskPct = 40;
    expect(budget.check()).toMatchObject({ ok: true });
    await expect.poll(() => mqtt.length, { timeout: 3000 }).toBe(2);
    expect(mqtt[1]).toMatchObject({ topic: 'jianhu/alerts/_/medium', body: { severity: 'medium' } });
    off();
    for (const s of [a, b]) s.close();
  });
});
