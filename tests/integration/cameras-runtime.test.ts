import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import { startFullTestService } from '../helpers/test-service.ts';

/**
 * Cameras managed at run time through the API, against a real RTSP camera (streams-sim) and the whole
 * service as `jianhu serve` runs it (real ingest ffmpeg): added → online within 10 s, a new URL restarts
 * its stream, disabled, removed; another enterprise's admin sees none of it; bad URLs are coded 4xx.
 */
let sim: Sim;
let t: Awaited<ReturnType<typeof startFullTestService>>;

beforeAll(async () => {
  sim = await startSim({ cameras: ['door', 'yard'], port: 0, auth: { user: 'admin', password: 's3cret' } });
  t = await startFullTestService({
    extra: {
      // clip rings on: they follow the catalog too
      evidence: { clips: true, segmentSeconds: 1 },
      // the sim listens on 127.0.0.1: the admin may add cameras there
      ingest: { probeAllowedNetworks: ['127.0.0.0/8'] },
    },
  });
}, 90_000);
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

const withAuth = (url: string) => url.replace('rtsp://', 'rtsp://admin:s3cret@');

async function req(user: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
  const res = await t.app.inject({
    method,
    url,
    headers: { authorization: await t.login(user) },
    ...(payload ? { payload } : {}),
  });
  return {
    status: res.statusCode,
    body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {},
    raw: res.body,
  };
}

const ring = () => t.service.services.video.evidence.ring('gate-1');

type Health = { id: string; state: string; reason: string };
async function health(id: string): Promise<Health | undefined> {
  const r = await req('safety-a', 'GET', '/api/cameras');
  return (r.body.cameras as Health[]).find((c) => c.id === id);
}

async function until(ok: () => Promise<boolean>, ms: number): Promise<number> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - t0;
}

describe('cameras managed at run time', () => {
  it('an admin adds a camera: online within 10 s, on the wall, its password never shown back', async () => {
    const r = await req('admin-a', 'POST', '/api/cameras', {
      id: 'gate-1',
      name: '大门',
      siteId: 'site-a',
      url: withAuth(sim.url('door')),
      rtspTransport: 'tcp',
    });
    expect(r.status).toBe(201);
    expect(r.raw).not.toContain('s3cret');
    expect(r.body).toMatchObject({ id: 'gate-1', source: 'api', enabled: true, rtspTransport: 'tcp' });
    const ms = await until(async () => (await health('gate-1'))?.state === 'online', 10_000);
    console.log(`runtime camera online ${ms} ms after it was added`);
    await until(async () => ring() !== undefined, 5000); // its evidence ring records
    const live = await req('safety-a', 'GET', '/api/live/cameras');
    expect((live.body.items as { id: string }[]).map((c) => c.id)).toContain('gate-1');
    const settings = await req('admin-a', 'GET', '/api/cameras/settings');
    expect(settings.raw).not.toContain('s3cret');
    // the change went through the outbox, typed, with no URL in it
    const ev = t.service.services.db
      .prepare("SELECT type, payload FROM outbox WHERE type LIKE 'camera.added'")
      .all() as { type: string; payload: string }[];
    expect(ev).toHaveLength(1);
    expect(JSON.parse(ev[0]!.payload)).toMatchObject({ cameraId: 'gate-1', by: 'admin-a' });
    expect(ev[0]!.payload).not.toContain('rtsp');
  });

  it('a new URL restarts its stream (a new ffmpeg), and it is online again', async () => {
    const ringBefore = ring();
    const before = t.service.services.video.ingest.stats()['gate-1']!.pid;
    expect(before).toBeGreaterThan(0);
    const r = await req('admin-a', 'PATCH', '/api/cameras/gate-1', { url: withAuth(sim.url('yard')) });
    expect(r.status).toBe(200);
    expect(r.body.version).toBe(2);
    await until(async () => {
      const pid = t.service.services.video.ingest.stats()['gate-1']?.pid;
      return pid !== undefined && pid !== before;
    }, 5000);
    await until(async () => (await health('gate-1'))?.state === 'online', 10_000);
    await until(async () => ring() !== undefined && ring() !== ringBefore, 5000); // a new ring
  });

  it('disabled: offline "disabled", no ffmpeg, off the wall; enabled again: online', async () => {
    expect((await req('admin-a', 'PATCH', '/api/cameras/gate-1', { enabled: false })).status).toBe(200);
    await until(async () => (await health('gate-1'))?.reason === 'disabled', 5000);
    expect(t.service.services.video.ingest.stats()['gate-1']!.pid).toBeUndefined();
    await until(async () => ring() === undefined, 5000);
    const live = await req('safety-a', 'GET', '/api/live/cameras');
    expect((live.body.items as { id: string }[]).map((c) => c.id)).not.toContain('gate-1');
    expect((await req('admin-a', 'PATCH', '/api/cameras/gate-1', { enabled: true })).status).toBe(200);
    await until(async () => (await health('gate-1'))?.state === 'online', 10_000);
  });

  it("another enterprise's admin gets 404 for it and cannot add to its site; a reader cannot write", async () => {
    expect((await req('admin-b', 'PATCH', '/api/cameras/gate-1', { name: 'x' })).status).toBe(404);
    expect((await req('admin-b', 'DELETE', '/api/cameras/gate-1')).status).toBe(404);
    const settingsB = await req('admin-b', 'GET', '/api/cameras/settings');
    expect((settingsB.body.cameras as unknown[]).length).toBe(0);
    const add = await req('admin-b', 'POST', '/api/cameras', {
      id: 'b-1',
      name: 'b',
      siteId: 'site-a',
      url: sim.url('door'),
    });
    expect(add.status).toBe(404);
    expect(add.body.code).toBe('JH_ERR_CAMERA_SITE_NOT_FOUND');
    expect((await req('safety-a', 'PATCH', '/api/cameras/gate-1', { name: 'x' })).status).toBe(403);
    expect((await req('regulator-z', 'DELETE', '/api/cameras/gate-1')).status).toBe(403);
  });

  it.each([
    ['a file path', 'file:///etc/passwd', 400, 'JH_ERR_CAMERA_URL_INVALID'],
    ['no host', 'rtsp:///x', 400, 'JH_ERR_CAMERA_URL_INVALID'],
    ['outside the allowed networks', 'rtsp://10.9.9.9/x', 403, 'JH_ERR_PROBE_TARGET_NOT_ALLOWED'],
  ])('a bad URL (%s) is refused with a code', async (_, url, status, code) => {
    const r = await req('admin-a', 'POST', '/api/cameras', { id: 'bad-1', name: 'b', siteId: 'site-a', url });
    expect(r.status).toBe(status);
    expect(r.body.code).toBe(code);
  });

  it('a taken id is 409; an unknown field or an empty edit is 400', async () => {
    const dup = await req('admin-a', 'POST', '/api/cameras', {
      id: 'gate-1',
      name: 'x',
      siteId: 'site-a',
      url: sim.url('door'),
    });
    expect([dup.status, dup.body.code]).toEqual([409, 'JH_ERR_CAMERA_EXISTS']);
    expect((await req('admin-a', 'PATCH', '/api/cameras/gate-1', { zones: [] })).status).toBe(400);
    expect((await req('admin-a', 'PATCH', '/api/cameras/gate-1', {})).status).toBe(400);
  });

  it('removed: its ffmpeg stops, it leaves the lists, its health history stays in the log', async () => {
    const pid = t.service.services.video.ingest.stats()['gate-1']!.pid!;
    expect((await req('admin-a', 'DELETE', '/api/cameras/gate-1')).status).toBe(204);
    await until(async () => (await health('gate-1')) === undefined, 5000);
    await until(async () => ring() === undefined, 5000);
    await until(async () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 5000);
    expect((await req('admin-a', 'GET', '/api/cameras/settings')).raw).not.toContain('gate-1');
    const rows = t.service.services.db
      .prepare("SELECT reason, until_ms FROM camera_health_log WHERE camera_id = 'gate-1' ORDER BY id")
      .all() as { reason: string; until_ms: number | null }[];
    expect(rows.length).toBeGreaterThan(2);
    expect(rows.at(-1)!.reason).toBe('removed'); // its last word, chained like any other
    expect(rows.every((r) => r.until_ms !== null)).toBe(true);
    expect((await req('admin-a', 'DELETE', '/api/cameras/gate-1')).status).toBe(404);
  });
});
