// Bench helper: the bare limit. One onnxruntime session with 1 intra-op thread running on a fixed
// input in a loop, in a worker thread (the same shape the service uses), nothing else.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';

const { model, dims, inputName, threads, seconds } = workerData;
const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
const data = new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(114);
const feed = { [inputName]: new ort.Tensor('float32', data, dims) };
await session.run(feed);
parentPort.postMessage({ type: 'ready' });
parentPort.once('message', async () => {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < end) {
    await session.run(feed);
    n++;
  }
  await session.release();
  parentPort.postMessage({ type: 'done', n });
});
