import { Worker } from 'node:worker_threads';
import type { Config } from '../src/config/schema.ts';
import { buildFfmpegArgs } from '../src/video/ingest/ffmpeg-args.ts';
import { CpuMeter, nodeCpuSince } from './detect-cpu.ts';
import type { LimitLaneData, LimitLaneReply } from './detect-limit-worker.ts';
import { median } from './detect-verdict.ts';

/**
 * bench:detect (a), the machine's limit for the default pipeline: `detect.sessions` worker threads
 * (one onnxruntime intra-op thread each, the service's models and options), each with its own ffmpeg
 * decoding streams-sim's cached clip (H.264 640×360 25 fps) through ingest's own command line and
 * filter chain (select to `ingest.detectFps`, scale, rgb24) at full speed, and inferring `activeFps`
 * of every `detectFps` sampled frames. Decoding is included in the figure: the decoders run on the same
 * cores, and every inferred frame has paid for 25 ÷ activeFps decoded frames (12.5 at 2/s) and
 * detectFps ÷ activeFps conversions, as a live camera at the active rate does. Nothing else runs.
 */
export interface LimitSlice {
  framesPerSec: number;
  seconds: number;
  /** cores the lanes' ffmpeg decoders used */
  decoderCores: number;
  /** cores this process used (the lanes' threads; the main thread only waits) */
  nodeCores: number;
  /** median CPU per inferred frame of a lane's thread, ms */
  workerCpuMs: number;
  /** share of the slice the lanes waited for a decoded frame (≈ 0 unless decoding is the bottleneck) */
  waitShare: number;
  /** vest crops run per inferred frame (the rest of the people reused a recent answer) */
  vestCropsPerFrame: number;
}

export interface Limit {
  slice(seconds: number): Promise<LimitSlice>;
  close(): Promise<void>;
}

/** ffmpeg as ingest runs it on a looping file, but as fast as it decodes (no `-re`), from `offsetS`. */
export function limitFfmpegArgs(clip: string, config: Config, offsetS: number): string[] {
  const args = buildFfmpegArgs({
    url: clip,
    width: config.ingest.width,
    height: config.ingest.height,
    fps: config.ingest.detectFps,
    threads: 1,
  }).filter((a) => a !== '-re');
  const at = args.indexOf('-i');
  args.splice(at, 0, '-ss', String(offsetS));
  return args;
}

export async function startLimit(clip: string, config: Config): Promise<Limit> {
  const d = config.detect;
  const init = {
    models: d.models,
    modelsDir: d.modelsDir,
    threads: d.threads,
    overrides: d.overrides,
    shareBackbone: d.shareBackbone,
    inputSize: d.inputSize,
  };
  const lanes = Array.from({ length: d.sessions }, (_, i) => {
    const data: LimitLaneData = {
      init,
      // lanes start 7 s apart in the clip so they do not infer the same frames
      ffmpegArgs: limitFfmpegArgs(clip, config, (i * 7) % 30),
      width: config.ingest.width,
      height: config.ingest.height,
      key: `limit-${i + 1}`,
      sampledFps: config.ingest.detectFps,
      activeFps: d.scheduler.activeFps,
    };
    return new Worker(new URL('./detect-limit-worker.mjs', import.meta.url), { workerData: data });
  });
  const reply = (w: Worker) =>
    new Promise<LimitLaneReply>((resolve, reject) => {
      w.once('message', (m: LimitLaneReply) =>
        m.type === 'error' ? reject(new Error(`limit lane: ${m.message}`)) : resolve(m),
      );
      w.once('error', reject);
    });
  const ready = await Promise.all(lanes.map(reply));
  const pids = ready.flatMap((r) => (r.type === 'ready' && r.decoderPid ? [r.decoderPid] : []));
  const cores = (s: number, wall: number) => s / wall;
  return {
    async slice(seconds) {
      const dec = new CpuMeter(() => pids);
      dec.start();
      const node0 = process.cpuUsage();
      const t0 = performance.now();
      const replies = await Promise.all(
        lanes.map((w) => {
          const r = reply(w);
          w.postMessage({ seconds });
          return r;
        }),
      );
      const wall = (performance.now() - t0) / 1000;
      const nodeCores = cores(nodeCpuSince(node0), wall);
      const decoderCores = cores(dec.stop(), wall);
      const slices = replies.flatMap((r) => (r.type === 'slice' ? [r] : []));
      const frames = slices.reduce((a, s) => a + s.frames, 0);
      return {
        framesPerSec: frames / wall,
        seconds: wall,
        decoderCores,
        nodeCores,
        workerCpuMs: median(slices.flatMap((s) => s.cpuMs)),
        vestCropsPerFrame: slices.reduce((a, s) => a + s.vestRuns, 0) / Math.max(1, frames),
        waitShare: slices.reduce((a, s) => a + s.waitMs / 1000 / s.seconds, 0) / Math.max(1, slices.length),
      };
    },
    async close() {
      await Promise.all(
        lanes.map(async (w) => {
          w.postMessage('close');
          await Promise.race([
            new Promise((r) => w.once('exit', r)),
            new Promise((r) => setTimeout(r, 3000)),
          ]);
          await w.terminate();
        }),
      );
    },
  };
}
