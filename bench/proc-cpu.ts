import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (100 on Linux, read once). */
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user + system) a process has used so far, from /proc; null once it is gone. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return null;
  }
}

/** Sum of cpuSecondsOf over processes; gone ones count 0. */
export const cpuSecondsOfAll = (pids: readonly number[]): number =>
  pids.reduce((sum, p) => sum + (cpuSecondsOf(p) ?? 0), 0);

/**
 * Direct children of a process (e.g. the ffmpeg readers of a service), from /proc/PID/task/TID/children:
 * no `ps` child (a spawn from a big Node process stalls its main thread for tens of ms — measured inside
 * bench:detect's service path, where the sim meter's once-a-second `ps` took 4–7 s of the main thread).
 */
export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      try {
        return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
          .split(' ')
          .map(Number)
          .filter(Boolean);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** pids of processes whose command line holds all of `marks` (from /proc). */
export function pidsWith(...marks: string[]): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (marks.every((m) => cmd.includes(m))) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}
