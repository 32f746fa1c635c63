import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

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
