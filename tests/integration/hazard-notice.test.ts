import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { attachRealtime } from '../../src/platform/realtime/realtime.ts';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { createLogger } from '../../src/platform/shared/logger.ts';
import { startTestBus } from '../helpers/test-bus.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

/**
 * The notice to the responsible person (#22), over a real SQLite service, a real socket.io server and
 * clients, and the embedded MQTT broker: dispatching a hazard to guardian-a tells guardian-a's
 * sessions alone (hazard.responsibleNotified in the user's room; the enterprise's others hear the
 * hazard.dispatched that re-renders their board, not the notice), publishes the same as a site alert on
 * MQTT (`jianhu/alerts/ent-a/medium`), and each overdue escalation tells them again (high).
 */
const HOUR = 3_600_000;
const clock = new FakeClock(Date.UTC(2026, 11, 1, 0, 0, 0));
let t: TestService;
let url: string;
let realtime: ReturnType<typeof attachRealtime>;
let mqtt: Awaited<ReturnType<typeof startTestBus>>;
let offAlerts: () => void;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await startTestService({ clock });
  realtime = attachRealtime(t.app.server, t.services);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = t.app.server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  mqtt = await startTestBus();
  offAlerts = t.services.oversight.alerts.bridgeToMqtt(
    t.services.bus,
    mqtt,
    'jianhu',
    createLogger('silent'),
  );
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  offAlerts?.();
  await mqtt?.close();
  await realtime?.close();
  await t?.close();
});

type Heard = { type: string; payload: Record<string, unknown> }[];
async function client(username: string): Promise<{ socket: Socket; heard: Heard }> {
  const token = (await t.login(username)).slice('Bearer '.length);
  const socket = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  const heard: Heard = [];
  socket.onAny((type: string, e: { payload: Record<string, unknown> }) =>
    heard.push({ type, payload: e.payload }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, heard };
}

async function call(user: string, method: 'GET' | 'POST', path: string, payload?: object) {
  const res = await t.app.inject({
    method,
    url: path,
    headers: { authorization: await t.login(user) },
    ...(payload ? { payload } : {}),
  });
  return { status: res.statusCode, body: res.json() };
}

const until = async (what: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('hazard.responsibleNotified', () => {
  it('tells the responsible person alone on dispatch and when overdue, and the same on MQTT', async () => {
    const guardian = await client('guardian-a');
    const officer = await client('safety-a');
    const regulator = await client('regulator-z');
    const onMqtt: { topic: string; body: Record<string, unknown> }[] = [];
    await mqtt.subscribe('jianhu/alerts/#', (topic, p) =>
      onMqtt.push({ topic, body: JSON.parse(p.toString()) as Record<string, unknown> }),
    );
    const guardianId = t.services.users.byUsername('guardian-a')!.userId;

    const reg = await call('safety-a', 'POST', '/api/hazards', {
      enterpriseId: 'ent-a',
      source: 'inspection',
      stage: 'self_check',
      checker: '安全科 张三',
      description: '2号转炉平台 氧气瓶与乙炔瓶间距不足 5 米',
      hazardType: 'hot_work',
      reason: '巡检发现',
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    const id = reg.body.id as number;
    await call('safety-a', 'POST', `/api/hazards/${id}/assess`, { level: 'general', reason: '一般' });
    const deadline = new Date(clock.now() + 2 * HOUR).toISOString();
    const d = await call('safety-a', 'POST', `/api/hazards/${id}/dispatch`, {
      responsibleUserId: guardianId,
      deadline,
      reason: '限期 2 小时整改',
    });
    expect(d.status, JSON.stringify(d.body)).toBe(200);

    const notices = (h: Heard) => h.filter((x) => x.type === 'hazard.responsibleNotified');
    await until(() => notices(guardian.heard).length === 1);
    expect(notices(guardian.heard)[0]!.payload).toMatchObject({
      hazardId: id,
      recipientUserId: guardianId,
      why: 'dispatched',
      deadline,
      escalation: 0,
    });
    expect(String(notices(guardian.heard)[0]!.payload.titleZh)).toContain(
      '已派给您整改，期限 2026/12/1 10:00:00',
    );
    // the board of everyone in the enterprise re-renders on hazard.dispatched; the notice is not theirs
    await until(() => officer.heard.some((x) => x.type === 'hazard.dispatched'));
    await until(() => regulator.heard.some((x) => x.type === 'hazard.dispatched'));
    await until(() => onMqtt.length === 1);
    expect(notices(officer.heard)).toEqual([]);
    expect(notices(regulator.heard)).toEqual([]);
    expect(onMqtt[0]).toMatchObject({
      topic: 'jianhu/alerts/ent-a/medium',
      body: { type: 'hazard.responsibleNotified', severity: 'medium', recipientUserId: guardianId },
    });
    // 我的整改 lists it for the guardian
    const mine = await call('guardian-a', 'GET', '/api/hazards?responsible=me');
    expect(mine.body.items.map((x: { id: number }) => x.id)).toContain(id);

    // the deadline passes: each escalation level tells them once more, high on MQTT
    clock.advance(3 * HOUR);
    expect(t.services.oversight.hazards.checkOverdue()).toBe(1);
    expect(t.services.oversight.hazards.checkOverdue()).toBe(0);
    await until(() => notices(guardian.heard).length === 2);
    expect(notices(guardian.heard)[1]!.payload).toMatchObject({
      hazardId: id,
      why: 'overdue',
      escalation: 1,
    });
    expect(String(notices(guardian.heard)[1]!.payload.titleZh)).toMatch(/整改已逾期 1 小时（第 1 级）/);
    await until(() => onMqtt.length === 2);
    expect(onMqtt[1]).toMatchObject({
      topic: 'jianhu/alerts/ent-a/high',
      body: { severity: 'high', recipientUserId: guardianId },
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(notices(officer.heard)).toEqual([]);

    // the enterprise's alert list (the wall) carries both, named for whom
    const alerts = await call('safety-a', 'GET', '/api/alerts');
    const forHazard = alerts.body.items.filter(
      (a: { type: string }) => a.type === 'hazard.responsibleNotified',
    );
    expect(forHazard.map((a: { severity: string }) => a.severity)).toEqual(['high', 'medium']);
    expect(forHazard.every((a: { recipientUserId: number }) => a.recipientUserId === guardianId)).toBe(true);
    // another enterprise hears nothing of it
    expect((await call('safety-b', 'GET', '/api/alerts')).body.items).toEqual([]);
  });
});
