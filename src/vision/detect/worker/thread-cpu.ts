import { closeSync, openSync, readSync } from 'node:fs';

/**
 * CPU time of the calling OS thread, and the time it waited on a run queue for a core, from
 * /proc/thread-self/schedstat (Linux: "<ns on cpu> <ns waiting to run> <timeslices>"). Node 20 has no
 * process.threadCpuUsage (added in Node 23.9) and process.cpuUsage() counts every thread of the
 * process; /proc/thread-self/stat counts in clock ticks (10 ms), as long as a whole inference. The file
 * is opened once, on the thread that reads it (thread-self is resolved at open), and re-read with
 * pread at offset 0: a few microseconds per frame. Elsewhere (not Linux) `read()` returns undefined.
 */
export interface ThreadTimes {
  /** ns this thread ran on a CPU */
  cpuNs: number;
  /** ns this thread was runnable but waited for a core */
  waitNs: number;
}

export class ThreadClock {
  private readonly fd: number | undefined;
  private readonly buf = Buffer.alloc(96);

  constructor(path = '/proc/thread-self/schedstat') {
    try {
      this.fd = openSync(path, 'r');
    } catch {
      this.fd = undefined;
    }
  }

  read(): ThreadTimes | undefined {
    if (this.fd === undefined) return undefined;
    try {
      const n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
      return parseSchedstat(this.buf.toString('latin1', 0, n));
    } catch {
      return undefined;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }
}

/** "<cpu ns> <wait ns> <slices>" → times; undefined for anything else. */
export function parseSchedstat(text: string): ThreadTimes | undefined {
  const m = /^(\d+) (\d+) \d+/.exec(text);
  return m ? { cpuNs: Number(m[1]), waitNs: Number(m[2]) } : undefined;
}
