import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { fillUp, mountFullTmpfs, postHazardPhoto } from '../helpers/full-disk.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { startFullTestService } from '../helpers/test-service.ts';

/**
 * "A disk write fails → an alarm on the wall" (#23). The evidence folder is a real 1 MiB tmpfs filled
 * until the kernel says ENOSPC (needs root, as tests/faults/health-truth.test.ts). Three hazard photos
 * refused with 507 are one episode: the safety officer's socket hears `storage.writeFailed` once, in
 * words (zh + en), and `storage.recovered` once space is back; another enterprise's wall hears it too
 * (the disk is the service's), with no path in it.
 */
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function mountFull(dir: string): string {
  const { filler, unmount } = mountFullTmpfs(dir);
  cleanups.push(unmount);
  return filler;
}

describe('the wall hears storage trouble', () => {
  it('a full evidence disk is one storage.writeFailed on socket.io per episode, cleared by storage.recovered', async (ctx) => {
    if (process.getuid?.() !== 0) ctx.skip(); // mounting a tmpfs needs root
    const t = await startFullTestService();
    cleanups.push(() => t.close());
    const heard: { who: string; type: string; payload: Record<string, unknown> }[] = [];
    const listen = async (who: string): Promise<Socket> => {
      const token = (await t.login(who)).replace('Bearer ', '');
      const s = io(t.service.url, { auth: { token }, transports: ['websocket'], reconnection: false });
      cleanups.push(() => s.close());
      for (const type of ['storage.writeFailed', 'storage.recovered'])
        s.on(type, (ev: { payload: Record<string, unknown> }) =>
          heard.push({ who, type, payload: ev.payload }),
        );
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
      return s;
    };
    await listen('safety-a');
    await listen('safety-b');

    const filler = mountFull(join(t.dir, 'evidence'));
    let n = 0; // a different photo each time (the same bytes may be stored once)
    const post = () => postHazardPhoto(t, ++n);
    for (let i = 0; i < 3; i++) expect((await post()).statusCode).toBe(507);
    await new Promise((r) => setTimeout(r, 1000));
    const failed = heard.filter((e) => e.type === 'storage.writeFailed');
    // once per episode, to each wall: not once per refused photo
    expect(failed.map((e) => e.who).sort()).toEqual(['safety-a', 'safety-b']);
    expect(failed[0]!.payload).toMatchObject({
      area: 'evidence',
      code: 'ENOSPC',
      titleZh: expect.stringContaining('磁盘已满'),
      title: expect.stringContaining('Disk full'),
    });
    expect(JSON.stringify(failed[0]!.payload)).not.toContain(t.dir);
    const outbox = () =>
      t.service.services.db
        .prepare("SELECT type FROM outbox WHERE type LIKE 'storage.%' ORDER BY id")
        .all()
        .map((r) => (r as { type: string }).type);
    expect(outbox()).toEqual(['storage.writeFailed']);

    rmSync(filler);
    const t0 = Date.now();
    while (!heard.some((e) => e.type === 'storage.recovered' && e.who === 'safety-a')) {
      if (Date.now() - t0 > 6000) throw new Error(`storage.recovered never came: ${JSON.stringify(heard)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`storage.recovered ${Date.now() - t0} ms after space came back`);
    expect(heard.find((e) => e.type === 'storage.recovered')!.payload).toMatchObject({ area: 'evidence' });
    expect((await t.app.inject({ url: '/healthz' })).json().components.disk.ok).toBe(true);
    expect((await post()).statusCode).toBe(201);
    // a second episode is a second alarm
    const filler2 = fillUp(join(t.dir, 'evidence', 'filler2.bin')); // the mounted tmpfs, full again
    expect((await post()).statusCode).toBe(507);
    expect(outbox()).toEqual(['storage.writeFailed', 'storage.recovered', 'storage.writeFailed']);
    rmSync(filler2);
  }, 60_000);
});
