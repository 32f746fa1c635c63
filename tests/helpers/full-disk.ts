import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * A real full disk: a 1 MiB tmpfs mounted over `dir` (needs root) and filled until the kernel says
 * ENOSPC. Returns the filler file's path (delete it to free the space) and how to unmount.
 */
export function mountFullTmpfs(dir: string): { filler: string; unmount: () => void } {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
  return { filler: fillUp(join(dir, 'filler.bin')), unmount: () => execFileSync('umount', ['-l', dir]) };
}

/** Writes `path` until its file system is full (ENOSPC); returns the path. */
export function fillUp(path: string): string {
  const fd = openSync(path, 'w');
  try {
    for (;;) writeSync(fd, Buffer.alloc(4096, 1));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return path;
}

/**
 * Registers a hazard with one 8 KiB PNG photo as `safety-a` of ent-a: the API write that a full disk
 * must answer with a coded 507. `fill` varies the photo's bytes (the same bytes may be stored once).
 */
export async function postHazardPhoto(
  t: { app: FastifyInstance; login(username: string): Promise<string> },
  fill = 7,
) {
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.alloc(8192, fill),
  ]);
  return t.app.inject({
    method: 'POST',
    url: '/api/hazards',
    headers: { authorization: await t.login('safety-a') },
    payload: {
      enterpriseId: 'ent-a',
      source: 'inspection',
      stage: 'self_check',
      checker: '张工',
      description: '平台护栏缺失',
      hazardType: '防护设施',
      photos: [png.toString('base64')],
    },
  });
}
