import { existsSync, statfsSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import type { DomainEventMap } from '../events/domain-events.ts';
import type { EventBus } from '../events/event-bus.ts';

/** Free space a folder needs before its full-disk alarm clears: room for a few photos, not one byte. */
const CLEAR_BYTES = 256 * 1024;

const FULL = new Set(['ENOSPC', 'EDQUOT']);

/** Whether an error is the kernel saying the disk (or the user's quota) is full. */
export const isDiskFull = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && FULL.has(String((e as { code?: unknown }).code));

/**
 * Failed disk writes (a hazard photo or an evidence file on a full disk), for /healthz and the wall: a
 * write the service could not make is a sick service, not one client's bad luck (#23). The first
 * failure in a folder opens an episode and publishes `storage.writeFailed` once (later failures in it
 * publish nothing); a probe every 2 s (statfs: CLEAR_BYTES free again) ends it with `storage.recovered`.
 * Payloads name the area (evidence / data), never a path: the event reaches every enterprise's wall.
 */
export class DiskFaults {
  private readonly faults = new Map<string, { code: string; at: number }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly bus: EventBus | null = null,
  ) {}

  record(err: unknown): void {
    const path = (err as { path?: unknown }).path;
    const dir = typeof path === 'string' && existsSync(dirname(path)) ? dirname(path) : this.dataDir;
    const code = String((err as { code?: unknown }).code);
    const open = this.faults.get(dir);
    if (open) {
      open.code = code;
      return;
    }
    const at = Date.now();
    this.faults.set(dir, { code, at });
    const full = FULL.has(code);
    this.announce('storage.writeFailed', {
      area: this.area(dir),
      code,
      titleZh: full ? '磁盘已满，证据与照片无法保存' : '磁盘写入失败，证据与照片无法保存',
      title: full
        ? 'Disk full: evidence and photos cannot be saved'
        : 'Disk write failed: evidence and photos cannot be saved',
      since: new Date(at).toISOString(),
    });
    this.timer ??= setInterval(() => this.probeAll(), 2000);
    this.timer.unref();
  }

  health(): { ok: boolean; detail: string } {
    if (!this.faults.size) return { ok: true, detail: 'writes ok' };
    const list = [...this.faults].map(([d, f]) => `${d} (${f.code} since ${new Date(f.at).toISOString()})`);
    return { ok: false, detail: `磁盘写入失败 disk write failed: ${list.join('; ')}` };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private probeAll(): void {
    for (const [dir, f] of this.faults) {
      if (!probe(dir)) continue;
      this.faults.delete(dir);
      this.announce('storage.recovered', {
        area: this.area(dir),
        failedAt: new Date(f.at).toISOString(),
        at: new Date().toISOString(),
      });
    }
    if (!this.faults.size) this.close();
  }

  /** The alarm must never turn the failed write's coded answer into a crash: when the database's own
   *  disk is the full one the event cannot be stored, and /healthz alone says so. */
  private announce<T extends 'storage.writeFailed' | 'storage.recovered'>(
    type: T,
    payload: DomainEventMap[T],
  ): void {
    try {
      this.bus?.publish(type, null, payload);
    } catch {
      // see above
    }
  }

  private area(dir: string): 'evidence' | 'data' {
    const rel = relative(this.dataDir, dir);
    return rel === 'evidence' || rel.startsWith(`evidence${sep}`) ? 'evidence' : 'data';
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
