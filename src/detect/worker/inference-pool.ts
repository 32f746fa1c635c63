import { Worker } from 'node:worker_threads';
import { AppError } from '../../shared/errors.ts';
import { DetectErrors } from '../errors.ts';
import { assertImage } from '../preprocess.ts';
import type { Detection, Label, RgbImage } from '../types.ts';
import type { FromWorker, ToWorker, WorkerError, WorkerInit } from './protocol.ts';

const ENTRY = new URL('./inference-worker.mjs', import.meta.url);

export interface InferenceResult {
  detections: Detection[];
  /** time inside the worker: preprocess + every model + decode */
  inferMs: number;
}

/** What the scheduler needs from an inference backend (the pool, or a fake in unit tests). */
export interface InferenceRunner {
  readonly size: number;
  idleCount(): number;
  detect(image: RgbImage): Promise<InferenceResult>;
}

interface Slot {
  worker: Worker;
  buffer: SharedArrayBuffer;
  pending?: { id: number; resolve: (r: InferenceResult) => void; reject: (e: Error) => void };
  /** settles when the frame in flight (if any) is done */
  busy?: Promise<unknown>;
  alive: boolean;
}

const fromWorkerError = (e: WorkerError): Error =>
  e.code ? new AppError({ code: e.code, status: 503, zh: e.message, en: e.message }) : new Error(e.message);

/**
 * `sessions` worker threads, each running one DetectionPipeline with `threads` onnxruntime threads.
 * Why workers: onnxruntime-node's run() blocks the calling thread for the whole inference, so on the
 * main thread two sessions cannot overlap and ffmpeg pipes and HTTP stall meanwhile (measured in
 * src/detect/README.md). The pool never queues: `detect()` needs an idle worker (`idleCount() > 0`);
 * the scheduler holds the latest frame per camera instead. Frames travel through one reused
 * SharedArrayBuffer per worker (one memcpy, no allocation per frame).
 */
export class InferencePool implements InferenceRunner {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closing = false;
  labels: Label[] = [];
  models: string[] = [];

  private constructor(private readonly init: WorkerInit) {}

  get size(): number {
    return this.slots.length;
  }

  static async start(sessions: number, init: WorkerInit): Promise<InferencePool> {
    const pool = new InferencePool(init);
    try {
      await Promise.all(Array.from({ length: sessions }, () => pool.spawn()));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private spawn(): Promise<Slot> {
    const worker = new Worker(ENTRY);
    const slot: Slot = { worker, buffer: new SharedArrayBuffer(640 * 360 * 3), alive: false };
    this.slots.push(slot);
    return new Promise<Slot>((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          slot.alive = true;
          this.labels = m.labels;
          this.models = m.models;
          resolve(slot);
        } else if (m.type === 'result' && slot.pending?.id === m.id) {
          const p = slot.pending;
          slot.pending = undefined;
          p.resolve({ detections: m.detections, inferMs: m.inferMs });
        } else if (m.type === 'error') {
          if (!slot.alive) return reject(fromWorkerError(m.error));
          const p = slot.pending;
          slot.pending = undefined;
          p?.reject(fromWorkerError(m.error));
        }
      });
      worker.on('error', (e) => {
        if (!slot.alive) reject(e);
        this.lose(slot, e);
      });
      worker.on('exit', (code) => this.lose(slot, new Error(`worker exited with code ${code}`)));
      worker.postMessage({ type: 'init', options: this.init } satisfies ToWorker);
    });
  }

  /** A worker died: fail its frame and start a replacement (unless we are closing). */
  private lose(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    const wasAlive = slot.alive;
    slot.alive = false;
    slot.pending?.reject(DetectErrors.workerFailed({ reason: err.message }));
    slot.pending = undefined;
    if (!this.closing && wasAlive) void this.spawn().catch(() => undefined);
  }

  idleCount(): number {
    return this.slots.filter((s) => s.alive && !s.pending).length;
  }

  detect(image: RgbImage): Promise<InferenceResult> {
    assertImage(image);
    const slot = this.slots.find((s) => s.alive && !s.pending);
    if (!slot) return Promise.reject(new Error('no idle inference worker (the caller must check idleCount)'));
    const bytes = image.width * image.height * 3;
    if (slot.buffer.byteLength < bytes) slot.buffer = new SharedArrayBuffer(bytes);
    new Uint8Array(slot.buffer, 0, bytes).set(image.data.subarray(0, bytes));
    const id = this.nextId++;
    const result = new Promise<InferenceResult>((resolve, reject) => {
      slot.pending = { id, resolve, reject };
      slot.worker.postMessage({
        type: 'detect',
        id,
        width: image.width,
        height: image.height,
        buffer: slot.buffer,
      } satisfies ToWorker);
    });
    slot.busy = result;
    return result;
  }

  /**
   * Asks each worker to release its onnxruntime sessions before terminating it: terminating a thread
   * that still holds a session aborts the process from native code.
   */
  async close(): Promise<void> {
    this.closing = true;
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map(async (s) => {
        await s.busy?.catch(() => undefined);
        if (s.alive) {
          const closed = new Promise<void>((resolve) => {
            const onMessage = (m: FromWorker) => {
              if (m.type === 'closed') resolve();
            };
            s.worker.on('message', onMessage);
            s.worker.once('exit', () => resolve());
            setTimeout(resolve, 5_000).unref();
          });
          s.worker.postMessage({ type: 'close' } satisfies ToWorker);
          await closed;
        }
        await s.worker.terminate();
      }),
    );
  }
}
