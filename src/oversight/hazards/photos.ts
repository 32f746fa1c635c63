import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
  existsSync,
  realpathSync,
} from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { sha256Hex } from '../../platform/events/chain.ts';
import { defineError } from '../../platform/shared/errors.ts';

export const PhotoErrors = {
  invalid: defineError(
    'JH_ERR_HAZARD_PHOTO_INVALID',
    400,
    '照片须为 JPEG 或 PNG 图片（base64 编码）。',
    'A photo must be a base64-encoded JPEG or PNG image.',
  ),
};

export interface StoredPhoto {
  /** relative to the data folder, as written in events (the audit re-hashes it) */
  path: string;
  sha256: string;
  bytes: number;
  mime: 'image/jpeg' | 'image/png';
}

function sniff(b: Buffer): StoredPhoto['mime'] | null {
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  return null;
}

/** Decodes and checks a photo before anything is written (bad input → coded 400, never a crash). */
export function decodePhoto(base64: string, index: number): { data: Buffer; mime: StoredPhoto['mime'] } {
  if (!/^[A-Za-z0-9+/=\s]+$/.test(base64)) throw PhotoErrors.invalid({ index, reason: 'not base64' });
  const data = Buffer.from(base64, 'base64');
  const mime = sniff(data);
  if (!mime) throw PhotoErrors.invalid({ index, reason: 'not a JPEG or PNG' });
  return { data, mime };
}

/**
 * Writes a photo content-addressed under `<dataDir>/evidence/hazards/<enterpriseId>/<sha256>.<ext>`: temp
 * file, fsync, rename. The same bytes twice give the same file; a failed transaction leaves at most an
 * unreferenced file, never a reference to a missing one.
 */
export function storePhoto(
  dataDir: string,
  enterpriseId: string,
  p: { data: Buffer; mime: StoredPhoto['mime'] },
): StoredPhoto {
  const sha256 = sha256Hex(p.data);
  const rel = join(
    'evidence',
    'hazards',
    enterpriseId,
    `${sha256}.${p.mime === 'image/png' ? 'png' : 'jpg'}`,
  );
  const abs = join(dataDir, rel);
  if (!existsSync(abs)) {
    mkdirSync(dirname(abs), { recursive: true });
    const tmp = `${abs}.tmp-${process.pid}`;
    const fd = openSync(tmp, 'w', 0o640);
    try {
      writeSync(fd, p.data);
      fsyncSync(fd);
    } catch (e) {
      // a half-written temp file on a full disk only takes the space the next write needs
      closeSync(fd);
      rmSync(tmp, { force: true });
      // fd-based write errors carry no path; /healthz watches the folder that failed (DiskFaults)
      if (e instanceof Error && !('path' in e)) Object.assign(e, { path: tmp });
      throw e;
    }
    closeSync(fd);
    renameSync(tmp, abs);
  }
  return { path: rel, sha256, bytes: p.data.length, mime: p.mime };
}

/** The real path of `file` when it exists inside `root` (symlinks resolved), else null. */
export function realInside(root: string, file: string): string | null {
  try {
    const real = realpathSync(file);
    return real.startsWith(realpathSync(root) + sep) ? real : null;
  } catch {
    return null;
  }
}
