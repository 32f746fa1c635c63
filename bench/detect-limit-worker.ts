import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { DetectionPipeline } from '../src/vision/detect/pipeline.ts';
import type { WorkerInit } from '../src/vision/detect/worker/protocol.ts';

/**
 * One lane of bench:detect's limit (a): this worker thread runs its own ffmpeg (ingest's command line
 * on the sim's cached clip, read as fast as it goes) and, in a tight loop, takes its RGB frames straight
 * from the pipe into the service's DetectionPipeline (letterbox + merged graph + vest crops). No
 * scheduler, no RTSP, no main thread, no copy across threads. Of every `sampledFps` frames ffmpeg hands
 * over, `activeFps` are inferred (a camera sampled at 3/s and due 2/s), so each inferred frame carries
 * the decoding and conversion a camera at the active rate costs.
 */
export interface LimitLaneData {
  init: WorkerInit;
  ffmpegArgs: string[];
  width: number;
  height: number;
  /** the camera this lane stands for (vest answers are reused per camera) */
  key: string;
  sampledFps: number;
  activeFps: number;
}

export type LimitLaneReply =
  | { type: 'ready'; decoderPid: number }
  | {
      type: 'slice';
      frames: number;
      seconds: number;
      /** CPU of this thread per inferred frame, ms (from /proc/thread-self/schedstat: nanoseconds) */
      cpuMs: number[];
      /** ms spent waiting for ffmpeg's next frame (the decoder not keeping up) */
      waitMs: number;
      /** vest crops run over the slice (the rest reused a recent answer) */
      vestRuns: number;
    }
  | { type: 'error'; message: string };

const port = parentPort!;
const d = workerData as LimitLaneData;
const threadCpuNs = (): number => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);

try {
  const pipeline = await DetectionPipeline.create(d.init);
  const ff = spawn('ffmpeg', d.ffmpegArgs, { stdio: ['ignore', 'pipe', 'ignore'] });
  const out = ff.stdout;
  const frameBytes = d.width * d.height * 3;
  // Frames are assembled from the pipe's chunks (one copy, as ingest does); the pipe is paused while 3
  // whole frames wait, so decoding overlaps inference (as many cameras' decoders do) without running away.
  const ready: Buffer[] = [];
  let frame = Buffer.allocUnsafe(frameBytes);
  let filled = 0;
  let ended = false;
  let wake: (() => void) | undefined;
  out.on('data', (chunk: Buffer) => {
    for (let off = 0; off < chunk.length;) {
      const n = Math.min(frameBytes - filled, chunk.length - off);
      chunk.copy(frame, filled, off, off + n);
      filled += n;
      off += n;
      if (filled === frameBytes) {
        ready.push(frame);
        frame = Buffer.allocUnsafe(frameBytes);
        filled = 0;
      }
    }
    if (ready.length >= 3) out.pause();
    wake?.();
  });
  out.once('end', () => {
    ended = true;
    wake?.();
  });
  out.pause();
  const nextFrame = async (): Promise<Buffer | null> => {
    for (;;) {
      const f = ready.shift();
      if (f) {
        out.resume();
        return f;
      }
      if (ended) return null;
      out.resume();
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  };
  let sampled = 0;
  const inferred = (i: number) =>
    Math.floor(((i + 1) * d.activeFps) / d.sampledFps) > Math.floor((i * d.activeFps) / d.sampledFps);
  port.postMessage({ type: 'ready', decoderPid: ff.pid ?? 0 } satisfies LimitLaneReply);
  port.on('message', (msg: { seconds: number } | 'close') => {
    if (msg === 'close') {
      ff.kill('SIGKILL');
      void pipeline.close().then(() => port.close());
      return;
    }
    void (async () => {
      const t0 = performance.now();
      const end = t0 + msg.seconds * 1000;
      const cpuMs: number[] = [];
      const vest0 = pipeline.counts()['ppe-vest.runs'] ?? 0;
      let waitMs = 0;
      while (performance.now() < end) {
        const w0 = performance.now();
        const data = await nextFrame();
        waitMs += performance.now() - w0;
        if (!data) throw new Error('ffmpeg ended');
        const i = sampled++;
        if (!inferred(i)) continue;
        const c0 = threadCpuNs();
        // the frame's time on the stream (what a live camera's receive time would be): the vest
        // answers are reused for 2 s of the camera's time, as in the service
        await pipeline.detect(
          { width: d.width, height: d.height, data },
          { key: d.key, ts: (i * 1000) / d.sampledFps },
        );
        cpuMs.push((threadCpuNs() - c0) / 1e6);
      }
      const seconds = (performance.now() - t0) / 1000;
      port.postMessage({
        type: 'slice',
        frames: cpuMs.length,
        seconds,
        cpuMs,
        waitMs,
        vestRuns: (pipeline.counts()['ppe-vest.runs'] ?? 0) - vest0,
      } satisfies LimitLaneReply);
    })().catch((e: unknown) =>
      port.postMessage({ type: 'error', message: (e as Error).message } satisfies LimitLaneReply),
    );
  });
} catch (e) {
  port.postMessage({ type: 'error', message: (e as Error).message } satisfies LimitLaneReply);
}
