import { spawnTied } from '../../platform/shared/tied-child.ts';
import { redactUrl } from '../../platform/shared/redact-url.ts';
import { inputArgs, schemeOf } from '../sources/registry.ts';
import { autoTransport, isTransportRefusal, transportAdvice } from '../sources/rtsp-transport.ts';
import type { CameraSource } from '../sources/types.ts';
import { gopOf, type PacketRow } from './probe-gop.ts';

export interface ProbeResult {
  ok: boolean;
  ms: number;
  codec?: string;
  width?: number;
  height?: number;
  fps?: number;
  /** seconds between keyframes, when two were seen within the probe's read window */
  gopSeconds?: number;
  /** no second keyframe within this many seconds: the GOP is longer (an 8 s GOP camera, say) */
  gopLongerThanSeconds?: number;
  /** the RTSP transport that opened it (`auto` resolved) */
  transport?: 'tcp' | 'udp';
  /** machine reason when it failed, e.g. `transport_unsupported` */
  reason?: string;
  /** why it failed, Chinese first; credentials in the URL never appear here */
  message?: string;
}

/** Seconds of packets read to find two keyframes (the GOP); the probe's timeout must leave room for the handshake. */
export const GOP_WINDOW_S = 4;

/**
 * ffprobe arguments for one video stream of a camera (pure, for tests): the stream's codec, size and
 * rate, and the video packets' times and flags over `windowS` seconds (the GOP is read from the
 * keyframes); the probe's timeout bounds the socket.
 */
export function probeArgs(source: CameraSource, timeoutMs: number, windowS = GOP_WINDOW_S): string[] {
  const args = [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,width,height,avg_frame_rate:packet=pts_time,flags',
    '-read_intervals',
    `%+${windowS}`,
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

/**
 * Opens the camera with ffprobe (bounded by timeoutMs) and reports codec, size, frame rate and GOP.
 * `rtspTransport: auto` tries TCP and, when the camera refuses it, UDP (remembered for the camera's other
 * clients, rtsp-transport.ts); a forced transport that is refused says what to set.
 */
export async function probeCamera(
  source: CameraSource,
  timeoutMs = 6000 + GOP_WINDOW_S * 1000,
  ffprobe = 'ffprobe',
): Promise<ProbeResult> {
  const t0 = Date.now();
  const rtsp = schemeOf(source.url).startsWith('rtsp');
  const tried = autoTransport.choose(source);
  let run = await probeOnce({ ...source, rtspTransport: tried }, timeoutMs, ffprobe);
  let used = tried;
  if (rtsp && !run.result.ok && autoTransport.failed(source, tried, run.stderr)) {
    used = autoTransport.choose(source);
    run = await probeOnce({ ...source, rtspTransport: used }, timeoutMs, ffprobe);
  }
  const result = { ...run.result, ms: Date.now() - t0 };
  if (!rtsp) return result;
  if (result.ok) return { ...result, transport: used };
  if (isTransportRefusal(run.stderr)) {
    const set = source.rtspTransport === 'auto' ? 'auto' : used;
    return { ...result, reason: 'transport_unsupported', message: transportAdvice(set) };
  }
  return result;
}

function probeOnce(
  source: CameraSource,
  timeoutMs: number,
  ffprobe: string,
): Promise<{ result: ProbeResult; stderr: string }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const proc = spawnTied(ffprobe, probeArgs(source, timeoutMs - GOP_WINDOW_S * 1000), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    // ffprobe prints the URL it failed on: redact before cutting (see camera-stream.ts)
    proc.stderr!.on('data', (d: Buffer) => (err = redactUrl(err + d.toString(), [source.url]).slice(-2000)));
    const kill = setTimeout(() => proc.kill('SIGKILL'), timeoutMs + 2000);
    const fail = (message: string) =>
      resolve({ result: { ok: false, ms: Date.now() - t0, message }, stderr: err });
    proc.on('error', (e) => {
      clearTimeout(kill);
      fail(`无法运行 ffprobe / cannot run ffprobe: ${e.message}`);
    });
    proc.on('close', (code, signal) => {
      clearTimeout(kill);
      if (signal) return fail(`连接超时 / timed out after ${timeoutMs} ms`);
      const parsed = (() => {
        try {
          return JSON.parse(out) as { streams?: Record<string, unknown>[]; packets?: PacketRow[] };
        } catch {
          return undefined;
        }
      })();
      const stream = parsed?.streams?.[0];
      if (code !== 0 || !stream)
        return fail(`无法读取视频流 / no video stream: ${err.trim().split('\n').at(-1) ?? `exit ${code}`}`);
      resolve({
        result: {
          ok: true,
          ms: Date.now() - t0,
          codec: String(stream.codec_name ?? ''),
          width: Number(stream.width) || undefined,
          height: Number(stream.height) || undefined,
          fps: parseFps(stream.avg_frame_rate as string | undefined),
          ...gopOf(parsed?.packets ?? []),
        },
        stderr: err,
      });
    });
  });
}
