import { cpuSecondsOf } from './proc-cpu.ts';

/**
 * CPU seconds used by a changing set of processes over a window (decoders restart when a camera
 * switches to keyframes only and back; streams-sim's publishers restart on a loop). Polled: a process
 * alive at the start counts from its value then, one that appears later counts from 0 (all its CPU
 * falls inside the window), one that exits counts up to its last poll (≤ one poll interval lost).
 */
export class CpuMeter {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(
    private readonly pids: () => readonly number[],
    private readonly everyMs = 500,
  ) {}

  start(): void {
    this.first.clear();
    this.last.clear();
    for (const p of this.pids()) {
      const s = cpuSecondsOf(p);
      if (s !== null) {
        this.first.set(p, s);
        this.last.set(p, s);
      }
    }
    this.started = true;
    this.timer = setInterval(() => this.poll(), this.everyMs);
    this.timer.unref();
  }

  private poll(): void {
    for (const p of this.pids()) {
      const s = cpuSecondsOf(p);
      if (s === null) continue;
      if (!this.first.has(p)) this.first.set(p, 0);
      this.last.set(p, s);
    }
  }

  /** CPU seconds since start(); stops polling. */
  stop(): number {
    if (!this.started) return 0;
    this.poll();
    clearInterval(this.timer);
    this.started = false;
    let sum = 0;
    for (const [p, s] of this.last) sum += s - (this.first.get(p) ?? s);
    return sum;
  }
}

/** This process's CPU seconds (every thread: main, inference workers, GC) since `from`. */
export const nodeCpuSince = (from: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
};
