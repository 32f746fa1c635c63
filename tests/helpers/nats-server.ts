import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeys } from 'nats';
import {
  renderNatsServerConfig,
  type NatsServerInput,
} from '../../src/platform/uplink/nats-server-config.ts';

/** Debian's nats-server (scripts/setup.sh installs it). */
export const NATS_SERVER = '/usr/sbin/nats-server';

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

export interface NkeyUser {
  seed: string;
  publicKey: string;
  /** the seed written to a file, as a box keeps it */
  seedFile: string;
}

/**
 * A real nats-server with JetStream on a free port, its config made by the hub's generator
 * (renderNatsServerConfig) in a temp folder; stop() and start() again keep the port and the store, so
 * a test can cut the hub off and bring it back.
 */
export class TestNatsServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'jianhu-nats-'));
  readonly hub: NkeyUser;
  private proc: ChildProcess | null = null;
  port = 0;

  constructor(private readonly boxes: { boxId: string; enterprises: string[] }[]) {
    this.hub = this.user('hub');
  }

  readonly boxUsers = new Map<string, NkeyUser>();

  user(name: string): NkeyUser {
    const pair = nkeys.createUser();
    const seed = new TextDecoder().decode(pair.getSeed());
    const seedFile = join(this.dir, `${name}.nk`);
    writeFileSync(seedFile, `${seed}\n`, { mode: 0o600 });
    return { seed, publicKey: pair.getPublicKey(), seedFile };
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  input(): NatsServerInput {
    return {
      listen: `127.0.0.1:${this.port}`,
      storeDir: join(this.dir, 'js'),
      maxPayload: 1024 * 1024,
      hubNkey: this.hub.publicKey,
      boxes: this.boxes.map((b) => {
        let u = this.boxUsers.get(b.boxId);
        if (!u) this.boxUsers.set(b.boxId, (u = this.user(b.boxId)));
        return { boxId: b.boxId, nkey: u.publicKey, enterprises: b.enterprises };
      }),
    };
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const conf = join(this.dir, 'nats.conf');
    writeFileSync(conf, renderNatsServerConfig(this.input()));
    const proc = spawn(NATS_SERVER, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`nats-server did not start:\n${log}`)), 15_000);
      proc.stderr!.on('data', (b: Buffer) => {
        log += b.toString();
        if (log.includes('Server is ready')) {
          clearTimeout(t);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`nats-server exited ${code}:\n${log}`));
      });
    });
    proc.stderr!.removeAllListeners('data');
    proc.stderr!.resume();
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
