import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HealthRepo } from '../../src/video/ingest/health.repo.ts';
import { IngestService } from '../../src/video/ingest/ingest.service.ts';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

/** The audit trail on a real SQLite file: rows close where the next state starts, and a crash never
 * counts as monitored time. */
let t: TestService;
let clock: FakeClock;
beforeEach(async () => {
  clock = new FakeClock(Date.UTC(2026, 5, 1, 8));
  t = await startTestService({
    clock,
    extra: {
      sites: [
        {
          id: 'site-a',
          name: '甲',
          enterpriseId: 'ent-a',
          cameras: [
            { id: 'cam1', name: 'c1', url: 'rtsp://127.0.0.1:1/x', enabled: false },
            { id: 'cam2', name: 'c2', url: 'rtsp://127.0.0.1:1/y', enabled: false },
          ],
        },
      ],
    },
  });
});
afterEach(() => t.close());

describe('camera_health_log', () => {
  it('chains rows, closes stale rows at the last heartbeat, and answers range queries', () => {
    const repo = new HealthRepo(t.services.db);
    const base = { cameraId: 'cam1', siteId: 'site-a', enterpriseId: 'ent-a', message: 'm' };
    const t0 = clock.now();
    repo.transition({ ...base, state: 'recovering', reason: 'starting', sinceMs: t0 }, t0);
    repo.transition({ ...base, state: 'online', reason: 'ok', sinceMs: t0 + 2000 }, t0 + 2000);
    repo.touch(t0 + 60_000);
    // the service dies here; at the next start the open row ends at the last heartbeat, not "now"
    expect(repo.closeStale()).toBe(1);
    const rows = repo.history('cam1', t0, t0 + 3_600_000);
    expect(rows.map((r) => [r.state, r.sinceMs - t0, r.untilMs! - t0])).toEqual([
      ['recovering', 0, 2000],
      ['online', 2000, 60_000],
    ]);
    expect(repo.history('cam1', t0 + 61_000, t0 + 70_000)).toEqual([]);
    expect(repo.history('cam2', t0, t0 + 70_000)).toEqual([]);
  });

  it('a disabled camera is recorded offline/disabled; stop closes the open rows', async () => {
    const ingest = new IngestService(t.services);
    ingest.start();
    expect(ingest.current('cam1')).toMatchObject({ state: 'offline', reason: 'disabled' });
    clock.advance(5000);
    await ingest.stop();
    const rows = ingest.history('cam1', 0, clock.now() + 1);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.untilMs).toBe(clock.now());
    const events = t.services.db
      .prepare("SELECT payload FROM outbox WHERE type = 'camera.healthChanged'")
      .all() as {
      payload: string;
    }[];
    expect(
      events.map((e) => JSON.parse(e.payload) as { to: string; from: null }).map((p) => [p.from, p.to]),
    ).toEqual([
      [null, 'offline'],
      [null, 'offline'],
    ]);
    expect(() => ingest.current('nope')).toThrow(/No such camera/);
  });
});
