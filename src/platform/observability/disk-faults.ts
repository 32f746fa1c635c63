import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/** Free space a folder needs before its full-disk alarm clears: room for a few photos, not one byte. */
const CLEAR_BYTES = 256 * 1024;

const FULL = new Set(['ENOSPC', 'EDQUOT']);

/** Whether an error is the kernel saying the disk (or the user's quota) is full. */
export const isDiskFull = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && FULL.has(String((e as { code?: unknown }).code));

/**
 * Failed disk writes of API requests (a hazard photo on a full disk), for /healthz: a write the
 * service could not make is a sick service, not one client's bad luck (#23). The fault clears when the
 * folder's file system has CLEAR_BYTES free again (statfs, at most every 2 s, when health is read).
 */
export class DiskFaults {
  private readonly faults = new Map<string, { code: string; at: number }>();
  private lastProbe = 0;

  constructor(private readonly fallbackDir: string) {}

  record(err: unknown): void {
    const path = (err as { path?: unknown }).path;
    const dir = typeof path === 'string' && existsSync(dirname(path)) ? dirname(path) : this.fallbackDir;
    this.faults.set(dir, { code: String((err as { code?: unknown }).code), at: Date.now() });
  }

  health(): { ok: boolean; detail: string } {
    if (this.faults.size && Date.now() - this.lastProbe >= 2000) {
      this.lastProbe = Date.now();
      for (const dir of this.faults.keys()) if (probe(dir)) this.faults.delete(dir);
    }
    if (!this.faults.size) return { ok: true, detail: 'writes ok' };
    const list = [...this.faults].map(([d, f]) => `${d} (${f.code} since ${new Date(f.at).toISOString()})`);
    return { ok: false, detail: `磁盘写入失败 disk write failed: ${list.join('; ')}` };
  }
}

function probe(dir: string): boolean {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize >= CLEAR_BYTES;
  } catch {
    return false;
  }
}
