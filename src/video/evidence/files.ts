import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * Writes `data` so that no reader ever sees half a file: temp name in the same folder, fsync, rename,
 * fsync of the folder (the rename itself survives power loss).
 */
export async function writeFileAtomic(path: string, data: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await syncDir(dirname(path));
}

export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export function sha256File(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('end', () => res(h.digest('hex')))
      .on('error', rej);
  });
}

/**
 * Resolves a stored relative path inside `root`, refusing anything that escapes it (`..`, absolute
 * paths, symlinks pointing out). Returns null instead of throwing: the caller answers 404.
 */
export async function safeResolve(root: string, rel: string): Promise<string | null> {
  if (!rel || isAbsolute(rel) || rel.includes('\0')) return null;
  const abs = resolve(root, rel);
  const r = relative(resolve(root), abs);
  if (r.startsWith('..') || isAbsolute(r)) return null;
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(abs)]);
    return realFile.startsWith(realRoot + sep) ? realFile : null;
  } catch {
    return null;
  }
}

/** `<kind>/<yyyy-mm-dd>/<camera>/<name>`: spreads files over folders by day. */
export const evidencePath = (kind: string, cameraId: string, ts: number, name: string): string =>
  join(kind, new Date(ts).toISOString().slice(0, 10), cameraId, name);
