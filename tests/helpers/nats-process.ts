import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './pg-cluster.ts';

/**
 * A real nats-server with JetStream on a free loopback port, its store in a temp dir. `stop` and
 * `start` again keep the store (a restart); `remove` deletes it. An optional config body (accounts,
 * users) is written to a file and passed with -c.
 */
export const NATS_SERVER = process.env.JIANHU_NATS_SERVER ?? '/usr/sbin/nats-server';

export interface NatsProcess {
  url: string;
  port: number;
  storeDir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  remove(): Promise<void>;
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export async function startNats(configBody?: string): Promise<NatsProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-nats-'));
  const storeDir = join(dir, 'js');
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  if (configBody !== undefined) {
    writeFileSync(join(dir, 'nats.conf'), configBody);
    args.push('-c', join(dir, 'nats.conf'));
  }
  const self: NatsProcess = {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    async start() {
      proc = spawn(NATS_SERVER, args, { stdio: 'ignore' });
      const deadline = Date.now() + 15_000;
      while (!(await portOpen(port))) {
        if (proc.exitCode !== null || Date.now() > deadline) throw new Error('nats-server did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    },
    async remove() {
      await self.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}
