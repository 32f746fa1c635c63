import { spawnTied } from '../../platform/shared/tied-child.ts';
import { redactUrl } from '../../platform/shared/redact-url.ts';
import { inputArgs } from '../sources/registry.ts';
import type { CameraSource } from '../sources/types.ts';

export interface ProbeResult {
  ok: boolean;
  ms: number;
  codec?: string;
  width?: number;
  height?: number;
  fps?: number;
  /** why it failed, Chinese first; credentials in the URL never appear here */
  message?: string;
}

/** ffprobe arguments for one video stream of a camera (pure, for tests); the probe's timeout bounds it. */
export function probeArgs(source: CameraSource, timeoutMs: number): string[] {
  const args = [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,width,height,avg_frame_rate',
    '-of',
    'json',
  ];
  return [...args, ...inputArgs({ ...source, timeoutMs }, 'probe')];
}

export function parseFps(rate: string | undefined): number | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(rate ?? '');
  if (!m || Number(m[2]) === 0) return undefined;
  return Math.round((Number(m[1]) / Number(m[2])) * 100) / 100;
}

/** Opens the camera with ffprobe (bounded by timeoutMs) and reports codec, size and frame rate. */
export function probeCamera(
  source: CameraSource,
  timeoutMs = 6000,
  ffprobe = 'ffprobe',
): Promise<ProbeResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const proc = spawnTied(ffprobe, probeArgs(source, timeoutMs), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    // ffprobe prints the URL it failed on: redact before cutting (see camera-stream.ts)
    proc.stderr!.on('data', (d: Buffer) => (err = redactUrl(err + d.toString(), [source.url]).slice(-2000)));
    const kill = setTimeout(() => proc.kill('SIGKILL'), timeoutMs + 2000);
    const fail = (message: string) => resolve({ ok: false, ms: Date.now() - t0, message });
    proc.on('error', (e) => {
      clearTimeout(kill);
      fail(`无法运行 ffprobe / cannot run ffprobe: ${e.message}`);
    });
    proc.on('close', (code, signal) => {
      clearTimeout(kill);
      if (signal) return fail(`连接超时 / timed out after ${timeoutMs} ms`);
      const stream = (() => {
        try {
          return (JSON.parse(out) as { streams?: Record<string, unknown>[] }).streams?.[0];
        } catch {
          return undefined;
        }
      })();
      if (code !== 0 || !stream)
        return fail(`无法读取视频流 / no video stream: ${err.trim().split('\n').at(-1) ?? `exit ${code}`}`);
      resolve({
        ok: true,
        ms: Date.now() - t0,
        codec: String(stream.codec_name ?? ''),
        width: Number(stream.width) || undefined,
        height: Number(stream.height) || undefined,
        fps: parseFps(stream.avg_frame_rate as string | undefined),
      });
    });
  });
}
