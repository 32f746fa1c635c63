import { parentPort } from 'node:worker_threads';
import { AppError } from '../../../platform/shared/errors.ts';
import { DetectionPipeline } from '../pipeline.ts';
import type { FromWorker, ToWorker, WorkerError } from './protocol.ts';
import { ThreadClock } from './thread-cpu.ts';

/** One worker = one DetectionPipeline (its own single-thread onnxruntime sessions). */
const port = parentPort;
if (!port) throw new Error('inference-worker must run in a worker thread');

let pipeline: DetectionPipeline | undefined;
// this thread's own CPU and run-queue wait around each frame: wall − CPU is time spent waiting for a core
const clock = new ThreadClock();
const send = (m: FromWorker) => port.postMessage(m);
const toError = (e: unknown): WorkerError =>
  e instanceof AppError ? { code: e.code, message: e.message } : { message: (e as Error).message };

// Messages are handled one at a time, in order: the pool may hand over the next frame while this one
// is being inferred, and the session's input tensor is shared.
let chain: Promise<void> = Promise.resolve();
port.on('message', (msg: ToWorker) => {
  chain = chain
    .then(() => handle(msg))
    .catch((e: unknown) =>
      send({ type: 'error', id: msg.type === 'detect' ? msg.id : undefined, error: toError(e) }),
    );
});

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init': {
      // a second init (InferencePool.reload: a site model adopted or rolled back) swaps the pipeline only
      // once the new one has loaded; if it fails, the old one keeps running
      const next = await DetectionPipeline.create(msg.options);
      const old = pipeline;
      pipeline = next;
      await old?.close();
      send({ type: 'ready', labels: pipeline.labels, models: pipeline.names });
      return;
    }
    case 'detect': {
      if (!pipeline) throw new Error('worker not initialised');
      const data = new Uint8Array(msg.buffer, 0, msg.width * msg.height * 3);
      // the wall-clock window encloses the CPU window, so a frame's CPU never reads above its wall time
      const t0 = performance.now();
      const c0 = clock.read();
      const detections = await pipeline.detect({ width: msg.width, height: msg.height, data }, msg.frame);
      const c1 = clock.read();
      const inferMs = performance.now() - t0;
      const times =
        c0 && c1
          ? { workerCpuMs: (c1.cpuNs - c0.cpuNs) / 1e6, workerWaitMs: (c1.waitNs - c0.waitNs) / 1e6 }
          : {};
      send({ type: 'result', id: msg.id, detections, inferMs, ...times, counts: pipeline.counts() });
      return;
    }
    case 'close': {
      await pipeline?.close();
      pipeline = undefined;
      clock.close();
      send({ type: 'closed' });
      return;
    }
  }
}
