import type { InferenceResult, InferencePool } from '../src/vision/detect/worker/inference-pool.ts';

/**
 * Hands every result of this pool instance's detect() to `sink` as well (the scheduler does not pass on
 * the pool's per-frame workerCpuMs / workerWaitMs): for benches only. Returns the undo, which puts the
 * pool's own detect() back.
 */
export function tapPoolResults(pool: InferencePool, sink: (r: InferenceResult) => void): () => void {
  const detect = pool.detect.bind(pool);
  pool.detect = (image, frame) =>
    detect(image, frame).then((r) => {
      sink(r);
      return r;
    });
  return () => {
    pool.detect = detect;
  };
}
