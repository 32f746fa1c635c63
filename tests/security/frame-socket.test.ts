/**
 * Decoded frames reach the service through a Unix socket per camera (ingest.frameBuffers: pooled). An
 * attacker on the same box must not read them (a camera's picture) nor inject pictures of their own (a
 * faked scene the detectors would believe). The socket is made in a 0700 folder of the service's user and
 * removed the moment the pair is connected; here another user (nobody) tries the folder and the path, and
 * a second connection is tried on the path after the pair is made.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameSocketDir, openFrameSocket } from '../../src/video/ingest/frame-socket.ts';

const asRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;

describe('frame socket', () => {
  let pair: Awaited<ReturnType<typeof openFrameSocket>>;
  const got: number[] = [];
  beforeAll(async () => {
    pair = await openFrameSocket((bytes, length) => got.push(...bytes.subarray(0, length)));
  });
  afterAll(() => {
    pair?.writer.destroy();
    pair?.reader.destroy();
  });

  it('lives in a folder only the service user can enter, and leaves no path behind once connected', () => {
    const dir = frameSocketDir();
    const st = statSync(dir);
    expect(st.mode & 0o777).toBe(0o700);
    expect(st.uid).toBe(process.getuid?.());
    expect(readdirSync(dir).filter((f) => f.startsWith(`f${process.pid}-`))).toEqual([]);
  });

  it('a second connection on the socket path after the pair is made is refused (nothing listens there)', async () => {
    const path = join(frameSocketDir(), `f${process.pid}-0.sock`);
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      const s = net.connect({ path });
      s.once('connect', () => {
        s.destroy();
        resolve(null);
      });
      s.once('error', (e) => resolve(e));
    });
    expect(err?.code).toMatch(/ENOENT|ECONNREFUSED/);
  });

  it.skipIf(!asRoot || !hasSetpriv)('another user can neither list the folder nor connect into it', () => {
    const dir = frameSocketDir();
    const asNobody = (cmd: string[]) =>
      spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...cmd], {
        encoding: 'utf8',
      });
    const ls = asNobody(['ls', dir]);
    expect(ls.status).not.toBe(0);
    expect(ls.stderr).toMatch(/Permission denied/);
    const node = execFileSync('which', ['node'], { encoding: 'utf8' }).trim();
    const connect = asNobody([
      node,
      '-e',
      `require('net').connect({path:${JSON.stringify(join(dir, 'x.sock'))}}).on('error',e=>{console.log(e.code);process.exit(3)}).on('connect',()=>process.exit(0))`,
    ]);
    expect(connect.status).toBe(3);
    expect(connect.stdout.trim()).toBe('EACCES');
  });

  it('the pair still carries the bytes written by its own writer', async () => {
    pair.writer.resume();
    pair.writer.write(Buffer.from([1, 2, 3]));
    for (let i = 0; i < 50 && got.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    expect(got.slice(0, 3)).toEqual([1, 2, 3]);
  });
});
