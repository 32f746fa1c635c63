import { Worker } from 'node:worker_threads';
import { AppError } from '../../../platform/shared/errors.ts';
import { DetectErrors } from '../errors.ts';
import { assertImage } from '../preprocess.ts';
import type { Detection, FrameContext, Label, RgbImage } from '../types.ts';
import type { FromWorker, ToWorker, WorkerError, WorkerInit } from './protocol.ts';

const ENTRY = new URL('./inference-worker.mjs', import.meta.url);

export interface InferenceResult {
  detections: Detection[];
  /** time inside the worker: preprocess + every model + decode */
  inferMs: number;
  /**
   * CPU time of the worker thread for this frame (/proc/thread-self/schedstat; absent where that is
   * missing): inferMs − workerCpuMs is time the frame spent off a core.
   */
  workerCpuMs?: number;
  /** of that, the time the worker thread was runnable but waited for a core (Linux run-queue delay) */
  workerWaitMs?: number;
}

/** What the scheduler needs from an inference backend (the pool, or a fake in unit tests). */
export interface InferenceRunner {
  readonly size: number;
  /** how many frames can be handed over right now */
  idleCount(): number;
  detect(image: RgbImage, frame?: FrameContext): Promise<InferenceResult>;
}

interface InFlight {
  resolve: (r: InferenceResult) => void;
  reject: (e: Error) => void;
  buffer: SharedArrayBuffer;
  done: Promise<unknown>;
}

interface Slot {
  worker: Worker;
  /** frame buffers not in use (one per depth level), reused frame after frame */
  free: SharedArrayBuffer[];
  inFlight: Map<number, InFlight>;
  alive: boolean;
  /** the worker's pipeline counts as of its latest result */
  counts: Record<string, number>;
}

const fromWorkerError = (e: WorkerError): Error =>
  e.code ? new AppError({ code: e.code, status: 503, zh: e.message, en: e.message }) : new Error(e.message);

/**
 * `sessions` worker threads, each running one DetectionPipeline with `threads` onnxruntime threads.
 * Why workers: onnxruntime-node's run() blocks the calling thread for the whole inference, so on the
 * main thread two sessions cannot overlap and ffmpeg pipes and HTTP stall meanwhile (measured in
 * src/vision/detect/README.md).
 *
 * Each worker holds at most `depth` frames (default 2: the one it is inferring and the next), so it
 * never sits idle waiting for the main thread to wake up and hand over the next frame — on a loaded
 * 2-core machine that hand-over latency is what separates the service path from a bare loop. Beyond
 * that nothing queues: `detect()` needs `idleCount() > 0`; the scheduler keeps the latest frame per
 * camera instead. Frames travel through reused SharedArrayBuffers (one memcpy, no allocation).
 */
export class InferencePool implements InferenceRunner {
  private readonly slots: Slot[] = [];
  /** camera → the worker that inferred its last frame */
  private readonly lastSlot = new Map<string, Slot>();
  private nextId = 1;
  private closing = false;
  labels: Label[] = [];
  models: string[] = [];

  private constructor(
    private init: WorkerInit,
    private readonly depth: number,
  ) {}

  get size(): number {
    return this.slots.length;
  }

  static async start(sessions: number, init: WorkerInit, depth = 2): Promise<InferencePool> {
    const pool = new InferencePool(init, Math.max(1, depth));
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
    const free = Array.from({ length: this.depth }, () => new SharedArrayBuffer(640 * 360 * 3));
    const slot: Slot = { worker, free, inFlight: new Map(), alive: false, counts: {} };
    this.slots.push(slot);
    return new Promise<Slot>((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          slot.alive = true;
          this.labels = m.labels;
          this.models = m.models;
          resolve(slot);
        } else if (m.type === 'result') {
          const { detections, inferMs, workerCpuMs, workerWaitMs, counts } = m;
          if (counts) slot.counts = counts;
          this.settle(slot, m.id)?.resolve({
            detections,
            inferMs,
            ...(workerCpuMs !== undefined ? { workerCpuMs } : {}),
            ...(workerWaitMs !== undefined ? { workerWaitMs } : {}),
          });
        } else if (m.type === 'error') {
          if (!slot.alive) return reject(fromWorkerError(m.error));
          if (m.id !== undefined) this.settle(slot, m.id)?.reject(fromWorkerError(m.error));
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

  private settle(slot: Slot, id: number): InFlight | undefined {
    const f = slot.inFlight.get(id);
    if (!f) return undefined;
    slot.inFlight.delete(id);
    slot.free.push(f.buffer);
    return f;
  }

  /** A worker died: fail its frames and start a replacement (unless we are closing). */
  private lose(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    const wasAlive = slot.alive;
    slot.alive = false;
    for (const id of [...slot.inFlight.keys()])
      this.settle(slot, id)?.reject(DetectErrors.workerFailed({ reason: err.message }));
    if (!this.closing && wasAlive) void this.spawn().catch(() => undefined);
  }

  /**
   * Work done and spared by the live workers' pipelines (e.g. `ppe-vest.runs` / `.reused`), summed, as
   * of their latest results; a worker that died takes its counts with it, and a reload restarts them.
   */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.slots) for (const [k, v] of Object.entries(s.counts)) out[k] = (out[k] ?? 0) + v;
    return out;
  }

  idleCount(): number {
    let n = 0;
    for (const s of this.slots) if (s.alive) n += this.depth - s.inFlight.size;
    return n;
  }

  detect(image: RgbImage, frame?: FrameContext): Promise<InferenceResult> {
    assertImage(image);
    // the worker that served this camera last if it has room (its stage-2 answers for the camera's
    // people are cached there: a hit saves ≈ 14 ms per person, the wait is at most the one frame it
    // is inferring), else the least busy live worker
    const free = (s: Slot) => s.alive && s.inFlight.size < this.depth;
    const last = frame ? this.lastSlot.get(frame.key) : undefined;
    let slot: Slot | undefined = last && free(last) && this.slots.includes(last) ? last : undefined;
    if (!slot)
      for (const s of this.slots) if (free(s) && (!slot || s.inFlight.size < slot.inFlight.size)) slot = s;
    if (!slot) return Promise.reject(new Error('no idle inference worker (the caller must check idleCount)'));
    if (frame) this.lastSlot.set(frame.key, slot);
    const bytes = image.width * image.height * 3;
    let buffer = slot.free.pop()!;
    if (buffer.byteLength < bytes) buffer = new SharedArrayBuffer(bytes);
    new Uint8Array(buffer, 0, bytes).set(image.data.subarray(0, bytes));
    const id = this.nextId++;
    let entry!: InFlight;
    const result = new Promise<InferenceResult>((resolve, reject) => {
      entry = { resolve, reject, buffer, done: Promise.resolve() };
    });
    entry.done = result.catch(() => undefined);
    slot.inFlight.set(id, entry);
    slot.worker.postMessage({
      type: 'detect',
      id,
      width: image.width,
      height: image.height,
      buffer,
      frame,
    } satisfies ToWorker);
    return result;
  }

  /**
   * Reloads every worker's models with `changes` (e.g. a site model adopted): each worker finishes the
   * frames it holds, loads the new pipeline, then drops the old one; a worker that cannot load keeps
   * the old one and the promise rejects with its error. Workers spawned later use the new settings.
   */
  async reload(changes: Partial<WorkerInit>): Promise<void> {
    this.init = { ...this.init, ...changes };
    await Promise.all(
      this.slots
        .filter((s) => s.alive)
        .map(
          (s) =>
            new Promise<void>((resolve, reject) => {
              const on = (m: FromWorker) => {
                if (m.type !== 'ready' && !(m.type === 'error' && m.id === undefined)) return;
                s.worker.off('message', on);
                if (m.type === 'ready') resolve();
                else reject(fromWorkerError(m.error));
              };
              s.worker.on('message', on);
              s.worker.postMessage({ type: 'init', options: this.init } satisfies ToWorker);
            }),
        ),
    );
  }

  /**
   * Lets the frames in flight finish, then asks each worker to release its onnxruntime sessions
   * before terminating it: terminating a thread that still holds a session aborts the process from
   * native code.
   */
  async close(): Promise<void> {
    this.closing = true;
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map(async (s) => {
        await Promise.all([...s.inFlight.values()].map((f) => f.done));
        if (s.alive) {
          const closed = new Promise<void>((resolve) => {
            s.worker.on('message', (m: FromWorker) => {
              if (m.type === 'closed') resolve();
            });
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
