import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import {
  freePort,
  spawnService,
  stopProcess,
  writeServeConfig,
  type ServiceProcess,
} from './service-process.ts';

/**
 * #23: kill -9 of the service left the evidence recorders' ffmpeg running under PID 1, and after a
 * restart two recorders per camera wrote the same segment names. Here the real service (`jianhu serve`
 * as a child process) records two streams-sim cameras; it is killed with SIGKILL; every ffmpeg it had
 * started must be gone within a few seconds. Then a stray recorder (an untied ffmpeg writing into a
 * camera's ring, as a run from before the fix would have left) is planted, the service restarted, and
 * exactly one recorder per camera must remain.
 */
const dir = mkdtempSync(join(tmpdir(), 'jianhu-orphans-'));
const ringRoot = join(dir, 'ring');
let sim: Sim;
let svc: ServiceProcess | null = null;
const CAMS = ['cam1', 'cam2'];

interface Proc {
  pid: number;
  ppid: number;
  argv: string[];
}
/** Every ffmpeg on the machine, read from /proc as `ps` would. */
function ffmpegs(): Proc[] {
  const out: Proc[] = [];
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (!argv[0]?.endsWith('ffmpeg')) continue;
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1]);
      out.push({ pid: Number(d), ppid, argv });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
const recordersOf = (cam: string) =>
  ffmpegs().filter((p) => p.argv.some((a) => a.startsWith(join(ringRoot, cam, 'seg-'))));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/status`, 'utf8').includes('State:\tZ');
  } catch {
    return false;
  }
};
async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let config = '';
let port = 0;
beforeAll(async () => {
  sim = await startSim({ cameras: CAMS, port: 0 });
  [port] = [await freePort()];
  config = writeServeConfig(dir, port, await freePort(), {
    evidence: { clips: true, segmentSeconds: 1 },
    sites: [
      {
        id: 'site-a',
        name: '甲',
        enterpriseId: 'ent-a',
        cameras: CAMS.map((id) => ({ id, name: id, url: sim.url(id) })),
      },
    ],
  });
}, 60_000);
afterAll(async () => {
  if (svc) await stopProcess(svc.child, 'SIGKILL');
  for (const p of ffmpegs()) if (p.argv.some((a) => a.includes(dir))) process.kill(p.pid, 'SIGKILL');
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('ffmpeg dies with the service', () => {
  it('kill -9 of the service leaves none of its ffmpeg running', async () => {
    svc = await spawnService(config, port);
    const pid = svc.child.pid!;
    await until('one recorder per camera', () => CAMS.every((c) => recordersOf(c).length === 1), 20_000);
    // the ingest decoders too: every ffmpeg whose parent is the service
    await until('ingest ffmpeg running', () => ffmpegs().filter((p) => p.ppid === pid).length >= 4, 20_000);
    const children = ffmpegs().filter((p) => p.ppid === pid);
    svc.child.kill('SIGKILL');
    await new Promise((r) => svc!.child.once('exit', r));
    svc = null;
    await until('every ffmpeg of the killed service gone', () => children.every((p) => !alive(p.pid)), 5000);
    expect(CAMS.flatMap(recordersOf)).toEqual([]);
  }, 60_000);

  it('a restart ends a stray recorder from an earlier run: exactly one per camera', async () => {
    // an untied recorder writing into cam1's ring, its parent not the service (what a run killed before
    // #23 left behind, re-parented to PID 1)
    mkdirSync(join(ringRoot, 'cam1'), { recursive: true });
    const stray = spawn(
      'ffmpeg',
      [
        '-nostdin',
        '-loglevel',
        'error',
        '-rtsp_transport',
        'tcp',
        '-i',
        sim.url('cam1'),
        '-c',
        'copy',
        '-f',
        'segment',
        '-segment_time',
        '1',
        '-strftime',
        '1',
        join(ringRoot, 'cam1', 'seg-%s.ts'),
      ],
      { stdio: 'ignore', detached: true },
    );
    stray.unref();
    await until('the stray records', () => recordersOf('cam1').length === 1, 10_000);
    svc = await spawnService(config, port);
    await until('one recorder per camera', () => CAMS.every((c) => recordersOf(c).length === 1), 20_000);
    await new Promise((r) => setTimeout(r, 2000)); // and it stays one
    for (const cam of CAMS) {
      const recs = recordersOf(cam);
      expect(recs, cam).toHaveLength(1);
      expect(recs[0]!.ppid, cam).toBe(svc.child.pid);
    }
    expect(alive(stray.pid!)).toBe(false);
    expect(svc.output()).toContain('ended evidence recorders left by an earlier run');
  }, 60_000);
});
