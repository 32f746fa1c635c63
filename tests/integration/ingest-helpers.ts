import { execFileSync } from 'node:child_process';
import type { IngestService } from '../../src/video/ingest/ingest.service.ts';
import type { HealthState } from '../../src/video/ingest/types.ts';

/** Polls until `ok()`; resolves with the elapsed ms, rejects after `timeoutMs` with `what`. */
export async function waitFor(ok: () => boolean, timeoutMs: number, what: () => string): Promise<number> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - t0;
}

export function waitState(ingest: IngestService, cameraId: string, state: HealthState, timeoutMs: number) {
  return waitFor(
    () => ingest.current(cameraId).state === state,
    timeoutMs,
    () => `${cameraId} expected ${state}, is ${JSON.stringify(ingest.current(cameraId))}`,
  );
}

/** This process's ffmpeg readers of `url`, and whether each decodes keyframes only. */
export function ffmpegReadersOf(url: string): { pid: number; keyframes: boolean }[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('ffmpeg') && l.includes(url))
      .map((l) => ({ pid: Number(l.trim().split(/\s+/)[0]), keyframes: l.includes('-skip_frame nokey') }));
  } catch {
    return []; // ps exits 1 when there are no children
  }
}

/** ffmpeg processes that are children of `pid` (this test process by default). */
export function ffmpegChildren(pid = process.pid): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([, comm]) => comm === 'ffmpeg')
      .map(([p]) => Number(p));
  } catch {
    return []; // ps exits 1 when there are no children
  }
}

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
