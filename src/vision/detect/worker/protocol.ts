import type { PipelineOptions } from '../pipeline.ts';
import type { Detection, FrameContext, Label } from '../types.ts';

/** Messages between the inference pool (main thread) and its workers; plain data only. */
export type WorkerInit = Omit<PipelineOptions, 'manifest' | 'registry'>;

export type ToWorker =
  | { type: 'init'; options: WorkerInit }
  /** the frame's RGB24 bytes are in `buffer` (shared with the main thread, reused per worker) */
  | {
      type: 'detect';
      id: number;
      width: number;
      height: number;
      buffer: SharedArrayBuffer;
      /** camera id and frame time (stage-2 answer reuse) */
      frame?: FrameContext;
    }
  | { type: 'close' };

export interface WorkerError {
  code?: string;
  message: string;
}

export type FromWorker =
  | { type: 'ready'; labels: Label[]; models: string[] }
  | {
      type: 'result';
      id: number;
      detections: Detection[];
      inferMs: number;
      /** CPU time of the worker thread for this frame (Linux; absent elsewhere) */
      workerCpuMs?: number;
      /** time the worker thread was runnable but waited for a core during this frame (Linux) */
      workerWaitMs?: number;
      /** the worker's work done and spared since its pipeline loaded (DetectionPipeline.counts) */
      counts?: Record<string, number>;
    }
  | { type: 'error'; id?: number; error: WorkerError }
  | { type: 'closed' };
