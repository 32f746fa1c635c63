import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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
  private readonly extra: ChildProcess[] = [];
  port = 0;

  /** with `leaf`, a leafnodes listener too, and each box a leaf password (in `leafPasswords`) */
  constructor(
    private readonly boxes: { boxId: string; enterprises: string[] }[],
    private readonly opts: { leaf?: boolean } = {},
  ) {
    this.hub = this.user('hub');
  }

  leafPort = 0;
  readonly leafPasswords = new Map<string, string>();
  private envName = (boxId: string) => `LEAF_${boxId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

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
      ...(this.opts.leaf ? { leafListen: `127.0.0.1:${this.leafPort}` } : {}),
      boxes: this.boxes.map((b) => {
        let u = this.boxUsers.get(b.boxId);
        if (!u) this.boxUsers.set(b.boxId, (u = this.user(b.boxId)));
        if (this.opts.leaf && !this.leafPasswords.has(b.boxId))
          this.leafPasswords.set(b.boxId, randomBytes(18).toString('base64url'));
        return {
          boxId: b.boxId,
          nkey: u.publicKey,
          enterprises: b.enterprises,
          ...(this.opts.leaf ? { leafPasswordEnv: this.envName(b.boxId) } : {}),
        };
      }),
    };
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    if (this.opts.leaf && this.leafPort === 0) this.leafPort = await freePort();
    const conf = join(this.dir, 'nats.conf');
    const input = this.input();
    const env = Object.fromEntries(
      input.boxes.map((b) => [b.leafPasswordEnv, this.leafPasswords.get(b.boxId)]),
    );
    writeFileSync(conf, renderNatsServerConfig(input, env), { mode: 0o600 });
    this.proc = await spawnReady(conf);
  }

  /** Another nats-server (a box's own leaf server) on `conf`; close() stops it too. */
  async startOther(conf: string): Promise<void> {
    this.extra.push(await spawnReady(conf));
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    await kill(proc, signal);
  }

  async close(): Promise<void> {
    await this.stop();
    for (const p of this.extra.splice(0)) await kill(p, 'SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Starts nats-server on a config file and waits until it says it is ready. */
async function spawnReady(conf: string): Promise<ChildProcess> {
  const proc = spawn(NATS_SERVER, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
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
  return proc;
}

async function kill(proc: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill(signal);
  });
}
