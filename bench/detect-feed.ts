import { spawn, type ChildProcess } from 'node:child_process';
import type { Frame } from '../src/video/ingest/types.ts';
import { cpuSecondsOfAll } from './proc-cpu.ts';

/**
 * Camera feeds for the detection benchmark: one ffmpeg per camera decoding a 25 fps 640×360 stream in
 * real time (-re) and writing sampled RGB24 frames to a pipe, the way ingest does. Input is an RTSP
 * URL (streams-sim) or, until that is available, the clip file itself, looped, each camera at its
 * own offset so the content differs.
 */
export interface FeedOptions {
  inputs: string[];
  /** frames per second handed to detection (ffmpeg still decodes every frame of the 25 fps stream) */
  outFps: number;
  width: number;
  height: number;
  onFrame: (f: Frame) => void;
}

export interface Feed {
  stop(): Promise<void>;
  framesOut: () => number;
  /** CPU seconds (user + system) the decoders have used so far (Linux /proc; 0 elsewhere) */
  cpuSeconds(): number;
  /** resolves once every camera has delivered a frame (RTSP connect + first key frame take seconds) */
  allStarted(timeoutMs: number): Promise<boolean>;
}

export function startFeeds(o: FeedOptions): Feed {
  const procs: ChildProcess[] = [];
  let framesOut = 0;
  const started = new Set<string>();
  const frameBytes = o.width * o.height * 3;
  o.inputs.forEach((input, i) => {
    const cameraId = `cam-${String(i + 1).padStart(2, '0')}`;
    const isRtsp = input.startsWith('rtsp://');
    // -threads 1 and `fps` before `scale`: measured 0.42 s CPU per 10 s of 25 fps 640×352 H.264 against
    // 0.93 s with ffmpeg's default frame threading and scaling every frame.
    const args = [
      '-hide_banner',
      '-loglevel',
      'error',
      '-threads',
      '1',
      ...(isRtsp ? ['-rtsp_transport', 'tcp'] : ['-re', '-stream_loop', '-1', '-ss', String((i * 1.7) % 30)]),
      '-i',
      input,
      '-an',
      '-vf',
      `fps=${o.outFps},scale=${o.width}:${o.height}`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ];
    const p = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    procs.push(p);
    // Assemble each frame in its own buffer straight from the pipe chunks (one copy per byte).
    let frame = Buffer.allocUnsafe(frameBytes);
    let filled = 0;
    let seq = 0;
    p.stdout!.on('data', (chunk: Buffer) => {
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - off);
        chunk.copy(frame, filled, off, off + n);
        filled += n;
        off += n;
        if (filled === frameBytes) {
          framesOut++;
          started.add(cameraId);
          o.onFrame({ cameraId, ts: Date.now(), seq: seq++, width: o.width, height: o.height, data: frame });
          frame = Buffer.allocUnsafe(frameBytes);
          filled = 0;
        }
      }
    });
  });
  return {
    framesOut: () => framesOut,
    cpuSeconds: () => cpuSecondsOfAll(procs.flatMap((p) => (p.pid ? [p.pid] : []))),
    allStarted: async (timeoutMs) => {
      const end = Date.now() + timeoutMs;
      while (started.size < o.inputs.length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      return started.size === o.inputs.length;
    },
    stop: async () => {
      await Promise.all(
        procs.map(
          (p) =>
            new Promise<void>((resolve) => {
              if (p.exitCode !== null) return resolve();
              p.once('exit', () => resolve());
              p.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}
