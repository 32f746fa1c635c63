import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { alive } from './ingest-helpers.ts';

const BIN = 'bin/jianhu.mjs';

/** `jianhu sim` as a user runs it: real ffmpeg reads it over TCP and UDP; faults via `jianhu sim fault`. */
describe('jianhu sim (CLI)', () => {
  it('serves cameras until stopped, over RTSP/TCP and RTSP/UDP, and takes faults from the CLI', async () => {
    const sim = spawn(
      process.execPath,
      [BIN, 'sim', '--cameras', '1', '--port', '0', '--control-port', '0'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const lines: string[] = [];
    const rl = createInterface({ input: sim.stdout! });
    await new Promise<void>((resolve) =>
      rl.on('line', (l) => {
        lines.push(l);
        if (l.startsWith('control ')) resolve();
      }),
    );
    const url = lines.find((l) => l.startsWith('cam1 '))!.split(' ')[1]!;
    const control = lines.find((l) => l.startsWith('control '))!.split(' ')[1]!;
    for (const transport of ['tcp', 'udp']) {
      const t0 = Date.now();
      const r = spawnSync(
        'ffmpeg',
        ['-v', 'error', '-rtsp_transport', transport, '-i', url, '-frames:v', '3', '-f', 'null', '-'],
        {
          timeout: 20_000,
        },
      );
      expect(r.status, `${transport}: ${r.stderr}`).toBe(0);
      console.log(`sim read over ${transport}: ${Date.now() - t0} ms`);
    }
    const fault = spawnSync(process.execPath, [BIN, 'sim', 'fault', '--control', control, 'cam1', 'drop'], {
      encoding: 'utf8',
    });
    expect(fault.status).toBe(0);
    expect(JSON.parse(fault.stdout)).toEqual({ id: 'cam1', fault: 'drop' });
    const refused = spawnSync(
      'ffmpeg',
      ['-v', 'error', '-rtsp_transport', 'tcp', '-i', url, '-frames:v', '1', '-f', 'null', '-'],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(refused.stderr).toMatch(/503/);
    const bad = spawnSync(process.execPath, [BIN, 'sim', 'fault', '--control', control, 'cam1', 'melt'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    // the RTSP server (python3, which owns the publishers); tsx's esbuild helper is not ours to check
    const children = spawnSync('ps', ['-o', 'pid=,comm=', '--ppid', String(sim.pid)], { encoding: 'utf8' })
      .stdout.split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([, comm]) => comm === 'python3' || comm === 'ffmpeg')
      .map(([pid]) => Number(pid));
    expect(children).toHaveLength(1);
    sim.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => sim.on('exit', r));
    expect(code).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(children.filter(alive)).toEqual([]); // the RTSP server (and its publishers) went with it
  });
});
