import type { Frame } from '../../video/ingest/types.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { DetectMetrics, Outcome } from './detect-metrics.ts';
import { MotionGauge } from './motion.ts';
import type { Detection } from './types.ts';
import type { InferenceRunner } from './worker/inference-pool.ts';
import {
  dispatchStamp,
  pickNext,
  priorityOf,
  wouldBeDue,
  type CameraView,
  type PolicySettings,
  type Priority,
} from './scheduler-policy.ts';

/** What the tracker / rules receive for every inferred frame. */
export interface DetectionResult {
  cameraId: string;
  frameTs: number;
  seq: number;
  detections: Detection[];
  frame: Frame;
  inferMs: number;
  /** CPU time of the worker thread for this frame, when the platform reports it (Linux) */
  workerCpuMs?: number;
  /** frame receive → result, ms */
  latencyMs: number;
}

interface CameraState extends CameraView {
  pending: Frame | undefined;
  motion: MotionGauge;
}

/** A frame whose pixels no pool will reuse (ingest's `ownedFrame`; vision may not import video's values). */
function ownCopy(frame: Frame): Frame {
  if (!frame.lease) return frame;
  const { lease: _lease, ...rest } = frame;
  return { ...rest, data: Buffer.from(frame.data) };
}

/**
 * Shares the inference workers across cameras: one-slot mailbox per camera (a newer frame replaces
 * the waiting one), the pure policy in scheduler-policy.ts picks who goes next, nothing is queued.
 */
export class DetectScheduler {
  private readonly cameras = new Map<string, CameraState>();
  private readonly handlers = new Set<(r: DetectionResult) => void>();
  private readonly wakeHandlers = new Set<(cameraId: string) => void>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  readonly counts: Record<Outcome, number> = { inferred: 0, skipped: 0, dropped: 0, stale: 0, failed: 0 };

  constructor(
    private readonly runner: InferenceRunner,
    private readonly settings: PolicySettings,
    private readonly metrics: DetectMetrics,
    private readonly logger?: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Subscribe to results; returns the unsubscribe function. */
  onResult(handler: (r: DetectionResult) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /**
   * Called, synchronously, when an idle camera stops being idle: its picture moved, a person was
   * found or a permit started on it. Ingest hears it to decode every frame again at once
   * (`ingest.idleKeyframesOnly`) rather than at the next periodic check. Returns the unsubscribe function.
   */
  onWake(handler: (cameraId: string) => void): () => void {
    this.wakeHandlers.add(handler);
    return () => this.wakeHandlers.delete(handler);
  }

  /** Permits call this when work starts / ends on a camera: such cameras run at the active rate first. */
  setActivePermit(cameraId: string, active: boolean): void {
    const cam = this.camera(cameraId);
    if (cam.activePermit === active) return;
    const wasIdle = this.isIdle(cam, this.now());
    cam.activePermit = active;
    this.pump();
    if (wasIdle && active) this.wake(cam);
  }

  private isIdle(cam: CameraState, now: number): boolean {
    return priorityOf(cam, now, this.settings) === 'idle';
  }

  private wake(cam: CameraState): void {
    for (const h of this.wakeHandlers) {
      try {
        h(cam.cameraId);
      } catch (e) {
        this.logger?.error({ err: e, cameraId: cam.cameraId }, 'wake handler failed');
      }
    }
  }

  cameraIds(): string[] {
    return [...this.cameras.keys()];
  }

  /** Each camera's priority now (permit / people / motion / idle), once it has been inferred at least once. */
  priorities(): Map<string, Priority> {
    const now = this.now();
    const out = new Map<string, Priority>();
    for (const cam of this.cameras.values())
      if (cam.lastDispatchAt > -Infinity) out.set(cam.cameraId, priorityOf(cam, now, this.settings));
    return out;
  }

  removeCamera(cameraId: string): void {
    this.cameras.get(cameraId)?.pending?.lease?.release();
    this.cameras.delete(cameraId);
    this.metrics.cameras.set(this.cameras.size);
  }

  /**
   * Hand in a decoded frame (wire to ingest's onFrame('*', h, { lent: true })). Never blocks, never
   * queues. A lent frame (pooled buffer) is retained while it waits in the mailbox and released when
   * it is replaced, too old, or handed to a worker; results carry a copy of their own.
   */
  offer(frame: Frame): void {
    if (this.stopped) return;
    const cam = this.camera(frame.cameraId);
    const now = this.now();
    // every offered frame (not only inferred ones) feeds the motion gauge: ≈ 0.1–0.2 ms per 640×360 frame
    let woke = false;
    if (
      this.settings.motionHoldMs > 0 &&
      cam.motion.update(frame.data, frame.width, frame.height) >= this.settings.motionCells
    ) {
      woke = this.isIdle(cam, now);
      cam.lastMotionAt = now;
    }
    frame.lease?.retain();
    if (cam.pending) {
      this.count(wouldBeDue(cam, now, this.settings) ? 'dropped' : 'skipped');
      cam.pending.lease?.release();
    }
    cam.pending = frame;
    cam.pendingTs = frame.ts;
    this.pump();
    // after the dispatch: what hears the wake (ingest starting a full decoder) must not delay this frame
    if (woke) this.wake(cam);
  }

  private camera(cameraId: string): CameraState {
    let cam = this.cameras.get(cameraId);
    if (!cam) {
      cam = {
        cameraId,
        pending: undefined,
        pendingTs: undefined,
        inFlight: false,
        lastDispatchAt: -Infinity,
        activePermit: false,
        lastPersonAt: -Infinity,
        lastMotionAt: -Infinity,
        motion: new MotionGauge(),
      };
      this.cameras.set(cameraId, cam);
      this.metrics.cameras.set(this.cameras.size);
    }
    return cam;
  }

  private count(outcome: Outcome): void {
    this.counts[outcome]++;
    this.metrics.frames.inc({ outcome });
  }

  /** Dispatch every due frame there is a free worker for; arm a timer for the next due one. */
  private pump(): void {
    if (this.stopped) return;
    const now = this.now();
    const pick = pickNext(this.cameras.values(), now, this.runner.idleCount(), this.settings);
    for (const id of pick.stale) {
      const cam = this.cameras.get(id)!;
      cam.pending?.lease?.release();
      cam.pending = undefined;
      cam.pendingTs = undefined;
      this.count('stale');
    }
    for (const id of pick.dispatch) this.dispatch(this.cameras.get(id)!, now);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (pick.nextDueAt !== undefined && this.runner.idleCount() > 0) {
      this.timer = setTimeout(() => this.pump(), Math.max(1, pick.nextDueAt - now));
      this.timer.unref();
    }
  }

  private dispatch(cam: CameraState, now: number): void {
    const waiting = cam.pending!;
    // the result hands the frame on (violations → evidence snapshot), so it gets pixels of its own:
    // one copy per inferred frame, none for the frames the mailbox drops
    const frame = ownCopy(waiting);
    waiting.lease?.release();
    cam.pending = undefined;
    cam.pendingTs = undefined;
    cam.inFlight = true;
    cam.lastDispatchAt = dispatchStamp(cam, now, this.settings);
    this.runner.detect(frame, { key: cam.cameraId, ts: frame.ts }).then(
      (r) => {
        cam.inFlight = false;
        const done = this.now();
        const woke = r.detections.some((d) => d.label === 'person') && this.isIdle(cam, done);
        if (r.detections.some((d) => d.label === 'person')) cam.lastPersonAt = done;
        this.count('inferred');
        this.metrics.inference.observe(r.inferMs / 1000);
        if (r.workerCpuMs !== undefined) this.metrics.workerCpu.observe(r.workerCpuMs / 1000);
        if (r.workerWaitMs !== undefined) this.metrics.workerWait.observe(r.workerWaitMs / 1000);
        const latencyMs = done - frame.ts;
        this.metrics.latency.observe(latencyMs / 1000);
        const result: DetectionResult = {
          cameraId: cam.cameraId,
          frameTs: frame.ts,
          seq: frame.seq,
          detections: r.detections,
          frame,
          inferMs: r.inferMs,
          ...(r.workerCpuMs !== undefined ? { workerCpuMs: r.workerCpuMs } : {}),
          latencyMs,
        };
        for (const h of this.handlers) {
          try {
            h(result);
          } catch (e) {
            this.logger?.error({ err: e, cameraId: cam.cameraId }, 'detection result handler failed');
          }
        }
        this.pump();
        if (woke) this.wake(cam);
      },
      (e: unknown) => {
        cam.inFlight = false;
        this.count('failed');
        this.logger?.warn({ err: e, cameraId: cam.cameraId }, 'inference failed 推理失败');
        this.pump();
      },
    );
  }

  stop(): void {
    this.stopped = true;
    for (const cam of this.cameras.values()) {
      cam.pending?.lease?.release();
      cam.pending = undefined;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
