import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { mountFullTmpfs, postHazardPhoto } from '../helpers/full-disk.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import { startFullTestService } from '../helpers/test-service.ts';

/**
 * "Health that tells the truth" (#23): /healthz answered 200 `ok` with 0 of 4 cameras online and with
 * the evidence disk full, and a hazard photo on a full disk was an uncoded 500. The full disk is real:
 * a 1 MiB tmpfs (as tests/faults/evidence-disk-full.test.ts; needs root) filled until the kernel says
 * ENOSPC.
 */
type Svc = Awaited<ReturnType<typeof startFullTestService>>;
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function mountFull(dir: string): string {
  const { filler, unmount } = mountFullTmpfs(dir);
  cleanups.push(unmount);
  return filler;
}

const health = async (t: Svc) => {
  const res = await t.app.inject({ url: '/healthz' });
  return {
    status: res.statusCode,
    body: res.json() as { status: string; components: Record<string, { ok: boolean; detail?: string }> },
  };
};
async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('/healthz tells the truth', () => {
  it('is degraded, with the reason, while none of the configured cameras is live', async () => {
    const cameras = ['c1', 'c2', 'c3', 'c4'].map((id) => ({ id, name: id, url: `rtsp://127.0.0.1:1/${id}` }));
    const t = await startFullTestService({
      extra: {
        evidence: { clips: false },
        sites: [{ id: 'site-a', name: '甲', enterpriseId: 'ent-a', cameras }],
      },
    });
    cleanups.push(() => t.close());
    const h = await until(
      'cameras reported offline',
      () => health(t),
      (x) => !x.body.components.ingest?.ok,
      15_000,
    );
    expect(h.status).toBe(503);
    expect(h.body.status).toBe('degraded');
    expect(h.body.components.ingest!.detail).toContain('0/4 cameras online');
    expect(h.body.components.ingest!.detail).toContain('no camera live');
    // pages read the same report from /api/health: signed in, 200, the state in the body
    const page = await t.app.inject({
      url: '/api/health',
      headers: { authorization: await t.login('safety-a') },
    });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ status: 'degraded', components: { ingest: { ok: false } } });
    expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(401);
  }, 40_000);

  it('is degraded when a camera is online but its recorder cannot write (ring disk full)', async (ctx) => {
    if (process.getuid?.() !== 0) ctx.skip(); // mounting a tmpfs needs root
    let sim: Sim | null = await startSim({ cameras: ['cam1'], port: 0 });
    cleanups.push(() => sim?.stop());
    const ringDir = join(mkdirTemp(), 'ring');
    mountFull(ringDir);
    const t = await startFullTestService({
      extra: {
        evidence: { clips: true, segmentSeconds: 1, ringDir },
        sites: [
          {
            id: 'site-a',
            name: '甲',
            enterpriseId: 'ent-a',
            cameras: [{ id: 'cam1', name: '一', url: sim.url('cam1') }],
          },
        ],
      },
    });
    cleanups.push(() => t.close());
    const h = await until(
      'camera online and its recorder reported down',
      () => health(t),
      (x) => !!x.body.components.ingest?.ok && x.body.components.evidence?.ok === false,
      30_000,
    );
    expect(h.status).toBe(503);
    expect(h.body.components.evidence!.detail).toContain('recorder down while its camera is online: cam1');
    sim = null;
  }, 60_000);

  it('a hazard photo on a full disk is a coded 507, /healthz says so, and both clear once space returns', async (ctx) => {
    if (process.getuid?.() !== 0) ctx.skip();
    const t = await startFullTestService();
    cleanups.push(() => t.close());
    const filler = mountFull(join(t.dir, 'evidence'));
    const post = () => postHazardPhoto(t);
    const full = await post();
    expect(full.statusCode).toBe(507);
    expect(full.json()).toMatchObject({
      code: 'JH_ERR_STORAGE_FULL',
      messageZh: expect.stringContaining('磁盘已满'),
    });
    const h = await health(t);
    expect(h.status).toBe(503);
    expect(h.body.components.disk).toMatchObject({ ok: false, detail: expect.stringContaining('ENOSPC') });
    // nothing half-saved: no hazard row for the refused request
    const list = await t.app.inject({
      url: '/api/hazards',
      headers: { authorization: await t.login('safety-a') },
    });
    expect(JSON.stringify(list.json())).not.toContain('平台护栏缺失');

    rmSync(filler);
    await until(
      'the alarm clears',
      () => health(t),
      (x) => x.status === 200,
      5000,
    );
    expect((await post()).statusCode).toBe(201);
  }, 40_000);
});

function mkdirTemp(): string {
  const d = join('/tmp', `jianhu-health-${process.pid}-${Date.now()}`);
  mkdirSync(d, { recursive: true });
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}
