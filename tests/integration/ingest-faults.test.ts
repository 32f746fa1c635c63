import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type FaultKind, type Sim } from '../../streams-sim/index.ts';
import type { IngestService } from '../../src/video/ingest/ingest.service.ts';
import type { HealthState } from '../../src/video/ingest/types.ts';
import { systemClock } from '../../src/platform/shared/clock.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { alive, ffmpegChildren, waitFor, waitState } from './ingest-helpers.ts';

/**
 * The acceptance test: streams-sim (real RTSP) + the real service with 4 cameras; every fault
 * is flagged within 5 s and recovers within 5 s; killing the sim entirely and restarting it brings every
 * camera back with no leaked processes. Faults run on different cameras in parallel to keep it short.
 */
let sim: Sim;
let t: TestService;
let ingest: IngestService;
const latencies: Record<string, number> = {};
const reasons: Record<string, string> = {};

beforeAll(async () => {
  sim = await startSim({ cameras: 4, port: 0 });
  t = await startTestService({
    clock: systemClock,
    extra: {
      sites: [
        {
          id: 'site-a',
          name: '甲-炼钢车间',
          enterpriseId: 'ent-a',
          // credentials in the URL must never come out of the API
          cameras: sim.cameras.map((id) => ({
            id,
            name: `摄像头 ${id}`,
            url: sim.url(id).replace('rtsp://', 'rtsp://admin:s3cret@'),
          })),
        },
        { id: 'site-b', name: '乙-铸造车间', enterpriseId: 'ent-b', cameras: [] },
      ],
    },
  });
  ingest = t.services.video.ingest;
  ingest.start();
  await Promise.all(sim.cameras.map((id) => waitState(ingest, id, 'online', 20_000)));
}, 60_000);

afterAll(async () => {
  await ingest?.stop();
  await sim?.stop();
  await t?.close();
  console.log('ingest fault latencies (ms):', JSON.stringify(latencies));
});

async function faultAndRecover(plan: [camera: string, fault: FaultKind, expected: HealthState][]) {
  await Promise.all(
    plan.map(async ([cam, fault, expected]) => {
      await sim.fault(cam, fault);
      latencies[`${fault}:detect`] = await waitState(ingest, cam, expected, 5000);
      reasons[fault] = ingest.current(cam).reason;
    }),
  );
  await Promise.all(
    plan.map(async ([cam, fault]) => {
      await sim.fault(cam, 'restore');
      latencies[`${fault}:recover`] = await waitState(ingest, cam, 'online', 5000);
    }),
  );
}

describe('ingest + streams-sim, 4 cameras', () => {
  it('flags freeze, black, cover and stall within 5 s and recovers within 5 s', async () => {
    await faultAndRecover([
      ['cam1', 'freeze', 'frozen'],
      ['cam2', 'black', 'dark'],
      ['cam3', 'cover', 'obstructed'],
      ['cam4', 'stall', 'stalled'],
    ]);
  });

  it('flags a dropped connection as offline; a camera clock jump changes nothing', async () => {
    const before = ingest.history('cam2', 0, Date.now() + 1).length;
    await sim.fault('cam2', 'clock-jump');
    await faultAndRecover([['cam1', 'drop', 'offline']]);
    expect(reasons.drop).toBe('unavailable');
    await sim.fault('cam2', 'restore');
    expect(ingest.history('cam2', 0, Date.now() + 1).length).toBe(before);
    expect(ingest.current('cam2').state).toBe('online');
  });

  it('stores every change and serves it on the API, scoped by tenant, without credentials', async () => {
    const res = await t.app.inject({
      url: '/api/cameras',
      headers: { authorization: await t.login('safety-a') },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('s3cret');
    const cams = (res.json() as { cameras: { id: string; state: string; live: boolean; siteId: string }[] })
      .cameras;
    expect(cams.map((c) => c.id)).toEqual(sim.cameras);
    expect(cams.every((c) => c.state === 'online' && c.live && c.siteId === 'site-a')).toBe(true);
    const other = await t.app.inject({
      url: '/api/cameras',
      headers: { authorization: await t.login('safety-b') },
    });
    expect((other.json() as { cameras: unknown[] }).cameras).toEqual([]);
    const hidden = await t.app.inject({
      url: '/api/cameras/cam1/health',
      headers: { authorization: await t.login('safety-b') },
    });
    expect(hidden.statusCode).toBe(404);
    const hist = await t.app.inject({
      url: '/api/cameras/cam1/health',
      headers: { authorization: await t.login('regulator-z') },
    });
    const states = (hist.json() as { records: { state: string; until: string | null }[] }).records.map(
      (r) => r.state,
    );
    expect(states).toEqual([
      'recovering',
      'online',
      'frozen',
      'recovering',
      'online',
      'offline',
      'recovering',
      'online',
    ]);
    const bad = await t.app.inject({
      url: '/api/cameras/cam1/health?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      headers: { authorization: await t.login('safety-a') },
    });
    expect(bad.json()).toMatchObject({ code: 'JH_ERR_CAMERA_BAD_RANGE' });
    const events = t.services.db
      .prepare("SELECT COUNT(*) AS n FROM outbox WHERE type = 'camera.healthChanged'")
      .get() as { n: number };
    expect(events.n).toBe(sim.cameras.length * 2 + 4 * 3 + 3); // start (2 each) + four faults ×3 + drop ×3
  });

  it('survives the whole sim being killed and restarted: all back, no leaked processes', async () => {
    expect(ffmpegChildren()).toHaveLength(4); // exactly one reader per camera
    const publishers = ffmpegChildren(sim.pid);
    expect(publishers).toHaveLength(4);
    const port = sim.port;
    process.kill(sim.pid, 'SIGKILL');
    await Promise.all(sim.cameras.map((id) => waitState(ingest, id, 'offline', 5000)));
    await waitFor(
      () => publishers.every((p) => !alive(p)),
      3000,
      () => 'publishers outlived the RTSP server',
    );
    sim = await startSim({ cameras: 4, port });
    latencies['sim-restart:all-online'] = await waitFor(
      () => sim.cameras.every((id) => ingest.current(id).state === 'online'),
      10_000,
      () => JSON.stringify(ingest.all()),
    );
    expect(ffmpegChildren()).toHaveLength(4);
  });
});
