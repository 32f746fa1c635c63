import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A camera served by Debian's VLC (`cvlc`, vlc-bin + vlc-plugin-base): its RTSP server streams RTP over
 * UDP only and answers 461 Unsupported Transport to a TCP-interleaved SETUP, like a class of real NVRs
 * and encoders. The clip is a short H.264 test pattern made here with ffmpeg (2 s GOP). VLC refuses to
 * run as root, so as root it runs as `nobody` (setpriv execs, so our pid is VLC's own).
 */
export interface VlcCamera {
  /** 0 when cvlc is not installed (callers skip visibly) */
  port: number;
  url: string;
  stop(): void;
}

const CVLC = '/usr/bin/cvlc';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ port, host: '127.0.0.1' });
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
}

export async function startVlcCamera(mount = 'cam'): Promise<VlcCamera> {
  if (!existsSync(CVLC)) return { port: 0, url: '', stop() {} };
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-vlc-'));
  chmodSync(dir, 0o755); // readable by nobody
  const clip = join(dir, 'clip.mp4');
  // two minutes before VLC loops: at the loop its timestamps jump back, the mp4 muxer of the fMP4
  // relay refuses that and the upstream restarts (a real camera does not rewind)
  execFileSync('ffmpeg', [
    ...['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '120'],
    ...['-c:v', 'libx264', '-g', '20', '-pix_fmt', 'yuv420p', clip],
  ]);
  chmodSync(clip, 0o644);
  const port = await freePort();
  const args = [
    '--no-audio',
    '--loop',
    clip,
    '--sout',
    `#rtp{sdp=rtsp://127.0.0.1:${port}/${mount}}`,
    '--sout-keep',
  ];
  const root = process.getuid?.() === 0;
  const p: ChildProcess = root
    ? spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', CVLC, ...args], {
        stdio: 'ignore',
        env: { ...process.env, HOME: dir },
      })
    : spawn(CVLC, args, { stdio: 'ignore' });
  const stop = () => {
    p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const t0 = Date.now();
  while (!(await listening(port))) {
    if (p.exitCode !== null || Date.now() - t0 > 15_000) {
      stop();
      return { port: 0, url: '', stop() {} };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, url: `rtsp://127.0.0.1:${port}/${mount}`, stop };
}
