import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { LABELS } from '../../src/vision/detect/types.ts';
import type { MqttBus } from '../../src/platform/mqtt/mqtt-bus.ts';
import { startTestBus } from '../helpers/test-bus.ts';
import { attachRealtime } from '../../src/platform/realtime/realtime.ts';
import type { FakeClock } from '../../src/platform/shared/clock.ts';
import type { SupervisionContext } from '../../src/supervision/module.ts';
import { bareHead, greyFrame, hardHat } from '../helpers/scripted-worker.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

/**
 * The violation path through the real service: scripted detections (the hard-hat model is not needed
 * here) + a real RGB frame → tracker → rules → SQLite → socket.io push, MQTT topic, snapshot on disk,
 * routes with tenancy. Clips are covered by tests/integration/evidence-ring.test.ts.
 */
let t: TestService;
let mod: SupervisionContext;
let mqtt: MqttBus;
let url: string;
let realtime: ReturnType<typeof attachRealtime>;

const danger = [
  [0.7, 0.1],
  [0.95, 0.1],
  [0.95, 0.9],
  [0.7, 0.9],
];

beforeAll(async () => {
  mqtt = await startTestBus();
  t = await startTestService({
    assemble: { mqtt, labels: () => new Set(LABELS) },
    extra: {
      evidence: { clips: false },
      sites: [
        {
          id: 'site-a',
          name: '甲',
          enterpriseId: 'ent-a',
          cameras: [
            {
              id: 'cam-a1',
              name: '炼钢一号',
              url: 'rtsp://127.0.0.1:1/a1',
              zones: [{ id: 'dz1', name: '钢包下方', kind: 'danger_zone', points: danger }],
            },
          ],
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
  mod = t.services.supervision;
  realtime = attachRealtime(t.app.server, t.services);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = t.app.server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  await realtime.close();
  await t.close();
  await mqtt.close();
});

async function client(username: string): Promise<Socket> {
  const token = (await t.login(username)).slice('Bearer '.length);
  const s = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((res, rej) => {
    s.once('connect', () => res());
    s.once('connect_error', rej);
  });
  return s;
}

const get = async (user: string, path: string) =>
  t.app.inject({ method: 'GET', url: path, headers: { authorization: await t.login(user) } });
const post = async (user: string, path: string, payload: Record<string, unknown> = {}) =>
  t.app.inject({ method: 'POST', url: path, payload, headers: { authorization: await t.login(user) } });

describe('violation lifecycle through the service', () => {
  let violationId = 0;

  it('raises 未戴安全帽, pushes it over socket.io and MQTT, stores a snapshot', async () => {
    const a = await client('safety-a');
    const b = await client('safety-b');
    const gotA: { type: string; payload: { violationId: number; cameraId: string; type: string } }[] = [];
    const gotB: unknown[] = [];
    a.on('violation.started', (e) => gotA.push(e));
    b.on('violation.started', (e) => gotB.push(e));
    const mq: { topic: string; body: { event: string; type: string } }[] = [];
    await mqtt.subscribe('jianhu/+/+/violation', (topic, p) =>
      mq.push({ topic, body: JSON.parse(p.toString()) }),
    );

    const clock = t.clock as FakeClock;
    const t0 = clock.now();
    for (let i = 0; i < 10; i++)
      mod.pipeline.process({
        cameraId: 'cam-a1',
        frameTs: t0 + i * 500,
        detections: bareHead,
        frame: greyFrame(t0 + i * 500),
      });
    await mod.pipeline.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect(gotA).toHaveLength(1);
    expect(gotB).toHaveLength(0);
    expect(gotA[0]!.payload).toMatchObject({ cameraId: 'cam-a1', type: 'no_helmet' });
    violationId = gotA[0]!.payload.violationId;
    expect(mq.map((m) => [m.topic, m.body.event, m.body.type])).toEqual([
      ['jianhu/site-a/cam-a1/violation', 'started', 'no_helmet'],
    ]);

    const detail = await get('safety-a', `/api/violations/${violationId}`);
    expect(detail.statusCode).toBe(200);
    const body = detail.json() as {
      state: string;
      typeZh: string;
      evidence: { id: number; kind: string; sha256: string; url: string }[];
    };
    expect(body).toMatchObject({ state: 'active', typeZh: '未戴安全帽' });
    expect(body.evidence.map((e) => e.kind)).toEqual(['snapshot']);
    const file = await get('safety-a', body.evidence[0]!.url);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    expect(file.rawPayload.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(createHash('sha256').update(file.rawPayload).digest('hex')).toBe(body.evidence[0]!.sha256);
    // other tenant: the violation and its file do not exist for them
    expect((await get('safety-b', `/api/violations/${violationId}`)).statusCode).toBe(404);
    expect((await get('safety-b', body.evidence[0]!.url)).statusCode).toBe(404);
    a.close();
    b.close();
  });

  it('lists with filters, tenancy-scoped', async () => {
    const list = (
      await get('safety-a', '/api/violations?type=no_helmet&state=active&cameraId=cam-a1')
    ).json() as {
      items: { id: number }[];
    };
    expect(list.items.map((v) => v.id)).toEqual([violationId]);
    expect(
      ((await get('safety-a', '/api/violations?state=ended')).json() as { items: unknown[] }).items,
    ).toEqual([]);
    expect(((await get('regulator-z', '/api/violations')).json() as { items: unknown[] }).items).toHaveLength(
      1,
    );
    expect(((await get('regulator-o', '/api/violations')).json() as { items: unknown[] }).items).toHaveLength(
      0,
    );
    expect(((await get('safety-b', '/api/violations')).json() as { items: unknown[] }).items).toHaveLength(0);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(
      ((await get('safety-a', `/api/violations?from=${future}`)).json() as { items: unknown[] }).items,
    ).toEqual([]);
    const bad = await get('safety-a', '/api/violations?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'JH_ERR_VIOLATION_BAD_TIME' });
    expect((await get('safety-a', '/api/violations?type=bogus')).json()).toMatchObject({
      code: 'JH_ERR_HTTP_VALIDATION',
    });
    expect((await get('welder-a', '/api/violations')).statusCode).toBe(403);
  });

  it('confirm / dismiss: once, by a handler, coded errors otherwise', async () => {
    expect((await post('guardian-a', `/api/violations/${violationId}/confirm`)).statusCode).toBe(403);
    expect((await post('safety-b', `/api/violations/${violationId}/confirm`)).statusCode).toBe(404);
    const ok = await post('safety-a', `/api/violations/${violationId}/confirm`, { note: '已现场纠正' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      review: 'confirmed',
      reviewedBy: 'safety-a',
      reviewNote: '已现场纠正',
    });
    const again = await post('safety-a', `/api/violations/${violationId}/dismiss`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'JH_ERR_VIOLATION_ALREADY_REVIEWED' });
    expect((await post('safety-a', '/api/violations/999999/confirm')).statusCode).toBe(404);
    expect((await post('safety-a', '/api/violations/abc/confirm')).statusCode).toBe(400);
  });

  it('ends when the hard hat is back, pushed to the camera room', async () => {
    const a = await client('safety-a');
    expect(await a.emitWithAck('camera:subscribe', 'cam-a1')).toEqual({ ok: true });
    const ended = new Promise<{ payload: { violationId: number; endedAt: string } }>((res) =>
      a.once('violation.ended', res),
    );
    const clock = t.clock as FakeClock;
    const t0 = clock.now() + 10_000;
    for (let i = 0; i < 14; i++)
      mod.pipeline.process({
        cameraId: 'cam-a1',
        frameTs: t0 + i * 500,
        detections: hardHat,
        frame: greyFrame(t0 + i * 500),
      });
    const e = await ended;
    expect(e.payload.violationId).toBe(violationId);
    expect(
      ((await get('safety-a', `/api/violations/${violationId}`)).json() as { state: string }).state,
    ).toBe('ended');
    a.close();
  });

  it('ignores unknown cameras and out-of-order frames', () => {
    const before = { ...mod.pipeline.stats };
    mod.pipeline.process({ cameraId: 'nope', frameTs: 1, detections: bareHead });
    mod.pipeline.process({ cameraId: 'cam-a1', frameTs: 1, detections: bareHead });
    expect(mod.pipeline.stats.unknownCamera).toBe(before.unknownCamera + 1);
    expect(mod.pipeline.stats.staleFrames).toBe(before.staleFrames + 1);
  });
});

describe('rules API', () => {
  it('shows effective rules, says why smoking is off, tenancy-scoped', async () => {
    const r = (await get('safety-a', '/api/cameras/cam-a1/rules')).json() as {
      rules: { name: string; enabled: boolean; note: string | null; dwellSeconds: number }[];
    };
    const by = new Map(r.rules.map((x) => [x.name, x]));
    expect(by.get('noHelmet')).toMatchObject({ enabled: true, dwellSeconds: 3 });
    expect(by.get('smoking')).toMatchObject({ enabled: false });
    expect(by.get('smoking')!.note).toMatch(/吸烟|smoking/);
    expect(by.get('guardianAbsent')!.note).toMatch(/guardian_post/);
    expect((await get('safety-b', '/api/cameras/cam-a1/rules')).statusCode).toBe(404);
    expect((await get('safety-a', '/api/cameras/nope/rules')).statusCode).toBe(404);
  });
});

describe('zones API', () => {
  const zone = (id: string, points: number[][]) => ({ id, name: '作业区', kind: 'work_area', points });
  const put = async (user: string, cam: string, zones: unknown[]) =>
    t.app.inject({
      method: 'PUT',
      url: `/api/cameras/${cam}/zones`,
      payload: { zones },
      headers: { authorization: await t.login(user) },
    });

  it('reads the config seed, replaces through the API with tenancy and validation', async () => {
    const seed = (await get('safety-a', '/api/cameras/cam-a1/zones')).json() as {
      source: string;
      zones: { id: string }[];
    };
    expect(seed).toMatchObject({ source: 'config', zones: [{ id: 'dz1' }] });
    expect((await get('admin-b', '/api/cameras/cam-a1/zones')).statusCode).toBe(404);
    expect((await get('admin-b', '/api/cameras/no-such/zones')).statusCode).toBe(404);
    expect((await put('safety-a', 'cam-a1', [])).statusCode).toBe(403);
    expect((await put('admin-b', 'cam-a1', [])).statusCode).toBe(404);
    const sq = [
      [0, 0],
      [0.5, 0],
      [0.5, 0.5],
      [0, 0.5],
    ];
    const ok = await put('admin-a', 'cam-a1', [zone('wa', sq)]);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ source: 'api', updatedBy: 'admin-a', zones: [{ id: 'wa' }] });
    expect(mod.zones.forRules('cam-a1').map((z) => z.id)).toEqual(['wa']);
    const line = await put('admin-a', 'cam-a1', [
      zone('l', [
        [0, 0],
        [0.5, 0.5],
        [1, 1],
      ]),
    ]);
    expect(line.json()).toMatchObject({ code: 'JH_ERR_ZONE_DEGENERATE' });
    const dup = await put('admin-a', 'cam-a1', [zone('x', sq), zone('x', sq)]);
    expect(dup.json()).toMatchObject({ code: 'JH_ERR_ZONE_DUPLICATE_ID' });
    const outside = await put('admin-a', 'cam-a1', [
      zone('o', [
        [0, 0],
        [1.5, 0],
        [1, 1],
      ]),
    ]);
    expect(outside.json()).toMatchObject({ code: 'JH_ERR_HTTP_VALIDATION' });
    // an API-owned zone set survives a restart's config seeding
    mod.zones.seedFromConfig();
    expect(mod.zones.forRules('cam-a1').map((z) => z.id)).toEqual(['wa']);
  });
});
