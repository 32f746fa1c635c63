import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeClock } from '../../src/platform/shared/clock.ts';
import { LABELS } from '../../src/vision/detect/types.ts';
import { ActivePermitsIndex } from '../../src/work/permits/active-permits-index.ts';
import { bareHead, greyFrame } from '../helpers/scripted-worker.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { approveWithGasTest, call, startPermitsHarness, type PermitsHarness } from './permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

/** The ports the composition root connects (issue #26): each is heard where the code says it is. */
const iso = (ms: number) => new Date(ms).toISOString();

describe('open violations end when their camera goes offline', () => {
  let t: TestService;
  /** active violations on cam-a1, read through the API as the wall reads them */
  const activeOnCamera = async (): Promise<{ id: number; type: string }[]> => {
    const res = await t.app.inject({
      url: '/api/violations?cameraId=cam-a1&state=active',
      headers: { authorization: await t.login('safety-a') },
    });
    return (res.json() as { items: { id: number; type: string }[] }).items;
  };
  beforeAll(async () => {
    t = await startTestService({
      assemble: { labels: () => new Set(LABELS) },
      extra: {
        evidence: { clips: false },
        sites: [
          {
            id: 'site-a',
            name: '甲',
            enterpriseId: 'ent-a',
            cameras: [{ id: 'cam-a1', name: '炼钢一号', url: 'rtsp://127.0.0.1:1/a1' }],
          },
        ],
      },
    });
  });
  afterAll(async () => t?.close());

  it('a bare head raises 未戴安全帽; the camera going offline (as ingest announces it) ends it', async () => {
    const clock = t.clock as FakeClock;
    const t0 = clock.now();
    const { pipeline, violations } = t.services.supervision;
    for (let i = 0; i < 10; i++)
      pipeline.process({
        cameraId: 'cam-a1',
        frameTs: t0 + i * 500,
        detections: bareHead,
        frame: greyFrame(t0 + i * 500),
      });
    await pipeline.idle();
    const open = await activeOnCamera();
    expect(open.map((v) => v.type)).toEqual(['no_helmet']);

    clock.advance(6000);
    t.services.bus.publish('camera.healthChanged', 'ent-a', {
      cameraId: 'cam-a1',
      siteId: 'site-a',
      from: 'online',
      to: 'offline',
      reason: 'no_frames',
      message: '离线 offline',
      since: iso(clock.now()),
    });
    expect(await activeOnCamera()).toEqual([]);
    const ended = violations.byId(open[0]!.id);
    expect(ended?.state).toBe('ended');
  });

  it('a camera coming back online ends nothing', async () => {
    const clock = t.clock as FakeClock;
    const t0 = clock.now();
    const { pipeline } = t.services.supervision;
    for (let i = 0; i < 10; i++)
      pipeline.process({ cameraId: 'cam-a1', frameTs: t0 + i * 500, detections: bareHead });
    await pipeline.idle();
    expect(await activeOnCamera()).toHaveLength(1);
    t.services.bus.publish('camera.healthChanged', 'ent-a', {
      cameraId: 'cam-a1',
      siteId: 'site-a',
      from: 'recovering',
      to: 'online',
      reason: 'frames_ok',
      message: '在线 online',
      since: iso(clock.now()),
    });
    expect(await activeOnCamera()).toHaveLength(1);
  });
});

describe('ActivePermitsIndex, fed by permit.* events', () => {
  let h: PermitsHarness;
  beforeAll(async () => {
    h = await startPermitsHarness();
  });
  afterAll(async () => h?.close());

  it('knows a permit is active on its camera the moment it starts, and not once monitoring suspends it', async () => {
    const index = h.services.work.activePermits;
    const heard: [string, boolean][] = [];
    const off = index.onChange((cameraId, active) => heard.push([cameraId, active]));
    const p = await call(h, 'safety-a', 'POST', '/api/permits', permitBody(h.clock.now()));
    const id = p.body.id as string;
    await approveWithGasTest(h, id, 'unit', { analyst: '王', combustiblePct: 0.1, o2Pct: 20.9 });
    h.health('cam-weld', 'online');
    expect(index.kindsOn('cam-weld', h.clock.now())).toEqual([]);
    expect((await call(h, 'guardian-a', 'POST', `/api/permits/${id}/start`)).body.state).toBe('active');
    expect(index.kindsOn('cam-weld', h.clock.now())).toEqual(['hot_work']);
    expect(index.camerasActive(h.clock.now())).toEqual(['cam-weld']);
    // past its window it no longer counts, even before the expiry sweep's event
    expect(index.hasActive('cam-weld', h.clock.now() + 3600_000)).toBe(false);

    // a fresh index (a restart) is seeded from the store
    const restarted = new ActivePermitsIndex(
      h.services.bus,
      h.services.work.permits.activePermits(),
      () => undefined,
    );
    expect(restarted.kindsOn('cam-weld', h.clock.now())).toEqual(['hot_work']);
    restarted.stop();

    h.health('cam-weld', 'offline'); // the gate suspends: 无监控不作业
    const d = await call(h, 'safety-a', 'GET', `/api/permits/${id}`);
    expect(d.body.permit).toMatchObject({
      state: 'suspended',
      suspendCause: { kind: 'monitoring_lost', cameraId: 'cam-weld', state: 'offline' },
    });
    expect(index.kindsOn('cam-weld', h.clock.now())).toEqual([]);
    expect(heard).toEqual([
      ['cam-weld', true],
      ['cam-weld', false],
    ]);

    h.health('cam-weld', 'online'); // monitoring back: the gate resumes it (typed cause, not text)
    expect(index.kindsOn('cam-weld', h.clock.now())).toEqual(['hot_work']);
    off();
  });
});
