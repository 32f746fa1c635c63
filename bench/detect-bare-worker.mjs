// Bench helper: the bare limit. One onnxruntime session with the given intra-op threads running on a
// fixed input in a loop, in a worker thread (the same shape the service uses), nothing else. Each
// {seconds} message runs one slice and answers {n}; 'close' releases the session.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';

const { model, dims, inputName, threads } = workerData;
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
parentPort.on('message', async (msg) => {
  if (msg === 'close') {
    await session.release();
    parentPort.postMessage({ type: 'closed' });
    return;
  }
  const end = performance.now() + msg.seconds * 1000;
  let n = 0;
  while (performance.now() < end) {
    await session.run(feed);
    n++;
  }
  parentPort.postMessage({ type: 'done', n });
});
