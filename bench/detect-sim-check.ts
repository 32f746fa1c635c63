import { spawn } from 'node:child_process';
import { startSim, type SimSource } from '../streams-sim/index.ts';
import { CpuMeter } from './detect-cpu.ts';
import { childrenOf } from './proc-cpu.ts';

/**
 * Whether streams-sim serves the mix's largest camera count, and what that costs it: `sources.length`
 * mounts, one RTSP client per mount copying packets without decoding (`-c copy -f null`), for `seconds`.
 * A mount counts as served when its client got ≥ 80 % of a 25 fps camera's frames over the window. The sim's
 * own CPU (RTSP server + publishers) is measured apart from the clients'; real cameras are elsewhere.
 */
export interface SimCheck {
  mounts: number;
  served: number;
  /** frames/s the median client received */
  medianFps: number;
  simCores: number;
  simCoresPerCamera: number;
}

export async function checkSimMounts(sources: SimSource[], seconds: number): Promise<SimCheck> {
  const ids = sources.map((_, i) => `m${i + 1}`);
  const sim = await startSim({ cameras: ids, sources, port: 0 });
  try {
    // -progress prints the client's running frame count twice a second: read it at both ends of the window
    const latest = ids.map(() => 0);
    const clients = ids.map((id, i) => {
      const p = spawn(
        'ffmpeg',
        [
          '-hide_banner',
          '-nostdin',
          '-loglevel',
          'error',
          '-rtsp_transport',
          'tcp',
          '-i',
          sim.url(id),
        ].concat([
          '-map',
          '0:v:0',
          '-c',
          'copy',
          '-progress',
          'pipe:1',
          '-stats_period',
          '0.5',
          '-f',
          'null',
          '-',
        ]),
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      p.stdout!.on('data', (d: Buffer) => {
        const m = [...d.toString().matchAll(/frame=(\d+)/g)].at(-1);
        if (m) latest[i] = Number(m[1]);
      });
      return p;
    });
    // the clients' first seconds are the RTSP handshake and the first keyframe: measure after them
    await new Promise((r) => setTimeout(r, 3000));
    const cpu = new CpuMeter(() => [sim.pid, ...childrenOf(sim.pid)], 1000);
    const f0 = [...latest];
    cpu.start();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const wall = (performance.now() - t0) / 1000;
    const simCores = cpu.stop() / wall;
    const fps = latest.map((f, i) => (f - f0[i]!) / wall);
    for (const c of clients) c.kill('SIGKILL');
    const sorted = [...fps].sort((a, b) => a - b);
    return {
      mounts: ids.length,
      served: fps.filter((f) => f >= 0.8 * 25).length,
      medianFps: sorted[Math.floor(sorted.length / 2)] ?? 0,
      simCores,
      simCoresPerCamera: simCores / ids.length,
    };
  } finally {
    await sim.stop();
  }
}
