import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants, readFileSync, readdirSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join } from 'node:path';

/**
 * Helper processes (ffmpeg, ffprobe) that die with the service.
 *
 * Node cannot set a child's parent-death signal itself, and a `kill -9` of the service runs no exit
 * handler, so before #23 the evidence recorders' ffmpeg lived on under PID 1 and wrote on beside the
 * next run's. util-linux's `setpriv --pdeathsig SIGKILL -- CMD` sets PR_SET_PDEATHSIG and then execs
 * CMD in the same process (same pid, same pipes), so the kernel kills CMD the moment the service dies,
 * however it dies. Where setpriv is missing (not Linux), the child is spawned plainly and
 * `endStrayProcesses` at the next start is the only net.
 */

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => executable(p));

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The command's absolute path on PATH, or undefined: a missing command must still fail as ENOENT. */
function resolveCommand(cmd: string): string | undefined {
  if (isAbsolute(cmd) || cmd.includes('/')) return executable(cmd) ? cmd : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

/** `spawn`, with the child killed by the kernel when this process dies (see above). */
export function spawnTied(cmd: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const resolved = SETPRIV ? resolveCommand(cmd) : undefined;
  if (!SETPRIV || !resolved) return spawn(cmd, args, options);
  return spawn(SETPRIV, ['--pdeathsig', 'SIGKILL', '--', resolved, ...args], options);
}

/** Whether children get the parent-death signal here (for the health detail and the tests). */
export const childrenTiedToService = (): boolean => SETPRIV !== undefined;

/**
 * Kills leftover processes named `program` (argv[0]'s basename) whose arguments mention `marker`
 * (e.g. the evidence ring folder), unless they are this process's own children. A previous run killed
 * before pdeathsig existed, or in the instant between fork and prctl, may have left one; two recorders
 * writing the same segment names corrupt each other's clips. Returns the pids it killed.
 */
export function endStrayProcesses(program: string, marker: string): number[] {
  if (process.platform !== 'linux') return [];
  const killed: number[] = [];
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  for (const pid of pids) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (basename(argv[0] ?? '') !== program || !argv.some((a) => a.includes(marker))) continue;
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (ppid === process.pid) continue;
      process.kill(Number(pid), 'SIGKILL');
      killed.push(Number(pid));
    } catch {
      // gone meanwhile, or not ours to read: nothing to do
    }
  }
  return killed;
}
