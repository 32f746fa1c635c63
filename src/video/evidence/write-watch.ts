import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';

/**
 * Evidence writes watched for a failing disk. A failed write (disk full, read-only...) is an alarm:
 * violations are still recorded, but without their files. It clears on the next good write, or when a
 * small probe write under the evidence folder succeeds (space came back).
 */
export class EvidenceWriteWatch {
  /** the last failed evidence write not yet followed by a good one */
  private fault: { code: string; at: number } | null = null;
  private lastProbe = 0;

  constructor(
    private readonly root: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** the platform's disk alarm (the wall hears of a failed write once per episode) */
    private readonly onWriteFault?: (err: unknown) => void,
  ) {}

  /** Records the outcome of an evidence write; rethrows the failure. */
  async watched<T>(write: Promise<T>): Promise<T> {
    try {
      const out = await write;
      this.fault = null;
      return out;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // file-system failures only (ENOSPC, EROFS, EDQUOT, EIO...); a clip ffmpeg could not cut is not one
      if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) throw e;
      if (!this.fault) this.logger.error({ err: e, code }, 'evidence write failed 证据写入失败');
      this.onWriteFault?.(e);
      this.fault = { code, at: this.clock.now() };
      throw e;
    }
  }

  /** What health reports while writes fail, or null; probes the disk at most every 2 s meanwhile. */
  failure(): string | null {
    if (this.fault && Date.now() - this.lastProbe >= 2000) {
      this.lastProbe = Date.now(); // I/O throttle in wall time, not domain time
      if (this.probeWrite()) this.fault = null;
    }
    if (!this.fault) return null;
    const f = this.fault;
    const what =
      f.code === 'ENOSPC' ? '证据磁盘已满 evidence disk full' : '证据写入失败 evidence write failed';
    return `${what} (${f.code} since ${iso(f.at)})`;
  }

  private probeWrite(): boolean {
    const probe = join(this.root, `.write-probe-${process.pid}`);
    try {
      const fd = openSync(probe, 'w');
      try {
        writeSync(fd, Buffer.alloc(16_384));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return true;
    } catch {
      return false;
    } finally {
      rmSync(probe, { force: true });
    }
  }
}
