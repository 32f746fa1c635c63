import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What became of a frame offered to detection (the scheduler counts each in `counts` and the metric). */
export type Outcome = 'inferred' | 'skipped' | 'dropped' | 'stale' | 'failed';

/** The detection scheduler's Prometheus metrics (/metrics), on the service's registry. */
export function createDetectMetrics(registry: Registry) {
  return {
    frames: new Counter({
      name: 'jianhu_detect_frames_total',
      help: 'frames offered to detection by outcome: inferred; skipped (not due at the camera rate); dropped (due, superseded while workers were busy); stale (over the per-frame budget); failed',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    inference: new Histogram({
      name: 'jianhu_detect_inference_seconds',
      help: 'time in the inference worker per frame (preprocess + models + decode)',
      buckets: [0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64],
      registers: [registry],
    }),
    workerCpu: new Histogram({
      name: 'jianhu_detect_worker_cpu_seconds',
      help: 'CPU time of the inference worker thread per frame (Linux schedstat); inference_seconds minus this is time the worker waited for a core',
      buckets: [0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64],
      registers: [registry],
    }),
    workerWait: new Histogram({
      name: 'jianhu_detect_worker_wait_seconds',
      help: 'time the inference worker thread was runnable but waited for a core, per frame (Linux schedstat run delay)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'jianhu_detect_frame_to_result_seconds',
      help: 'frame receive to detections available',
      buckets: [0.02, 0.05, 0.1, 0.2, 0.4, 0.8, 1.2, 1.5, 2, 4],
      registers: [registry],
    }),
    cameras: new Gauge({
      name: 'jianhu_detect_cameras',
      help: 'cameras known to the detection scheduler',
      registers: [registry],
    }),
  };
}
export type DetectMetrics = ReturnType<typeof createDetectMetrics>;
