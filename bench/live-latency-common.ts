/**
 * The measuring rig that bench:live and bench:live-mse share, so that the two viewing paths are
 * compared under the same camera, the same stamp and the same statistics: a generator paints the
 * wall-clock time (ms, 32 bits as black/white cells) into every frame and sends it as H.264 in
 * MPEG-TS over UDP like a camera; the page reads the cells back and returns one latency per
 * distinct frame.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';

export const W = 640;
export const H = 360;
export const FPS = 25;
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
/** 16 cells per row, 2 rows = 32 bits; the pages read the cells back with the same size. */
export const CELL = 40;

function paint(buf: Buffer, stamp: number): void {
  buf.fill(96);
  for (let bit = 0; bit < 32; bit++) {
    const on = (stamp >>> bit) & 1;
    const x0 = (bit % 16) * CELL;
    const y0 = Math.floor(bit / 16) * CELL + 100;
    for (let y = y0 + 4; y < y0 + CELL - 4; y++)
      buf.fill(on ? 235 : 16, y * W + x0 + 4, y * W + x0 + CELL - 4);
  }
}

/** A UDP port nobody listens on, for the camera stream. */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  s.close();
  return port;
}

/**
 * The camera: paints Date.now() into a grey frame FPS times a second and encodes it with libx264
 * zerolatency to `udpUrl`. `x264Args` go right after the encoder's tuning (bench:live-mse needs
 * the baseline profile for MSE).
 */
export function startStampCamera(udpUrl: string, x264Args: string[] = []): { stop(): void } {
  const gen = spawn(
    'ffmpeg',
    [
      '-loglevel',
      'error',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      '-s',
      `${W}x${H}`,
      '-r',
      String(FPS),
      '-i',
      'pipe:0',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      ...x264Args,
      '-g',
      String(FPS),
      '-pix_fmt',
      'yuv420p',
      '-f',
      'mpegts',
      `${udpUrl}?pkt_size=1316`,
    ],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  );
  const frame = Buffer.alloc(W * H);
  const timer = setInterval(() => {
    paint(frame, Date.now() >>> 0);
    gen.stdin.write(frame);
  }, 1000 / FPS);
  return {
    stop() {
      clearInterval(timer);
      gen.stdin.end();
      gen.kill('SIGTERM');
    },
  };
}

function cpuTicks(pid: number | null | undefined): number {
  if (!pid || !existsSync(`/proc/${pid}/stat`)) return NaN;
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
}

/**
 * Runs `measure` and returns its result with the CPU share (% of one core) that the process
 * `pid()` used meanwhile; NaN where there is no such process. `pid` is asked before and after,
 * as the relay may only start once the page is connected.
 */
export async function withCpuShare<T>(
  pid: () => number | null | undefined,
  measure: () => Promise<T>,
): Promise<{ result: T; cpu: number }> {
  const t0 = cpuTicks(pid());
  const w0 = Date.now();
  const result = await measure();
  const cpu = ((cpuTicks(pid()) - t0) / 100 / ((Date.now() - w0) / 1000)) * 100;
  return { result, cpu };
}

/** Prints the report both benches share: frames read, latency percentiles, the relay's CPU share. */
export function printLatency(
  title: string,
  latencies: number[],
  cpu: { label: string; share: number },
  browserErrors: string[],
): void {
  const lat = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
  console.log(`${title}, ${SECONDS}s`);
  console.log(`  frames read: ${lat.length} (${(lat.length / SECONDS).toFixed(1)} distinct frames/s)`);
  console.log(`  latency ms: p50 ${q(0.5)}  p95 ${q(0.95)}  max ${lat.at(-1)}  min ${lat[0]}`);
  console.log(`  ${cpu.label} CPU: ${cpu.share.toFixed(1)}% of one core`);
  if (browserErrors.length) console.log(`  browser errors: ${browserErrors.join(' | ')}`);
}
