import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL 15 cluster for tests and benches: initdb in a temp dir, postgres on a free
 * loopback port, trust auth on loopback only, no fsync (a test's data need not survive a power cut).
 * PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user and its
 * programs run through `runuser`; as any other user they run as that user.
 */
export const PG_BIN = process.env.JIANHU_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PgCluster {
  url: string;
  port: number;
  dir: string;
  /** stops the server (fast shutdown) and removes its directory */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const asRoot = process.getuid?.() === 0;
const command = (bin: string, args: string[]): [string, string[]] =>
  asRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]] : [join(PG_BIN, bin), args];

export async function startPgCluster(database = 'jianhu_hub'): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    chmodSync(dir, 0o755);
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), 0);
  }
  const [initCmd, initArgs] = command('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8']);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const [cmd, args] = command('postgres', [
    '-D',
    data,
    '-p',
    String(port),
    '-h',
    '127.0.0.1',
    '-k',
    dir,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ]);
  const proc: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const deadline = Date.now() + 30_000;
  const [readyCmd, readyArgs] = command('pg_isready', ['-h', '127.0.0.1', '-p', String(port)]);
  for (;;) {
    try {
      execFileSync(readyCmd, readyArgs, { stdio: 'pipe' });
      break;
    } catch {
      if (proc.exitCode !== null || Date.now() > deadline)
        throw new Error(`postgres did not start on port ${port}: ${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const [createCmd, createArgs] = command('createdb', [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-U',
    'postgres',
    database,
  ]);
  execFileSync(createCmd, createArgs, { stdio: 'pipe' });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    port,
    dir,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGINT'); // fast shutdown
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
