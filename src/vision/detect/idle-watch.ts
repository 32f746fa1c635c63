import type { Priority } from './scheduler-policy.ts';

/** What the watch reads from the detection scheduler (scheduler.ts). */
export interface IdleSource {
  /** each inferred camera's priority now (permit / people / motion / idle) */
  priorities(): Map<string, Priority>;
  /** called at once when an idle camera moves, shows a person or gets a permit */
  onWake(handler: (cameraId: string) => void): () => void;
}

export interface IdleWatchOptions {
  /** how often idle cameras are looked for (ms) */
  everyMs?: number;
  /** how long a camera must stay idle before it is reported idle (ms) */
  settleMs?: number;
  now?: () => number;
}

/**
 * Tells ingest which cameras are idle (no active permit, no person within peopleHoldMs, no motion
 * within motionHoldMs), so that it decodes their keyframes only (`ingest.idleKeyframesOnly`).
 * Slow to sleep, quick to wake: idle is reported after `settleMs` of it (a camera whose first frames
 * show nobody yet does not flip twice), busy the moment the scheduler wakes the camera (motion, a
 * person, a permit), so a moving picture gets every frame decoded again without waiting for the next
 * periodic check — and, at the same moment, the scheduler's active rate.
 */
export class IdleWatch {
  private readonly reported = new Map<string, boolean>();
  private readonly idleSince = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private offWake: (() => void) | undefined;

  constructor(
    private readonly source: IdleSource,
    private readonly handler: (cameraId: string, idle: boolean) => void,
    private readonly o: IdleWatchOptions = {},
  ) {}

  start(): this {
    this.stop();
    this.offWake = this.source.onWake((id) => this.wake(id));
    this.timer = setInterval(() => this.check(), this.o.everyMs ?? 1_000);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.offWake?.();
    this.offWake = undefined;
  }

  /** Reports every camera whose idleness changed (idle only once it has lasted settleMs). */
  check(): void {
    const now = (this.o.now ?? Date.now)();
    for (const [id, priority] of this.source.priorities()) {
      if (priority !== 'idle') this.idleSince.delete(id);
      else if (!this.idleSince.has(id)) this.idleSince.set(id, now);
      const idle = priority === 'idle' && now - this.idleSince.get(id)! >= (this.o.settleMs ?? 5_000);
      this.report(id, idle);
    }
  }

  private wake(id: string): void {
    this.idleSince.delete(id);
    this.report(id, false);
  }

  private report(id: string, idle: boolean): void {
    // a camera is assumed busy (fully decoded) until first reported idle
    if (this.reported.get(id) === idle || (idle === false && !this.reported.has(id))) return;
    this.reported.set(id, idle);
    this.handler(id, idle);
  }
}
