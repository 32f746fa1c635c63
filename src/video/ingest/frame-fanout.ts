import { ownedFrame, type Frame } from './types.ts';

/**
 * Hands sampled frames to consumers without ever queueing: each consumer has a latest-frame slot. A
 * push consumer that is still busy (its handler's promise is pending) gets only the newest frame when it
 * is done; the frames it missed are counted as dropped. A pull consumer (`slot`) takes the newest frame
 * when it wants one; frames replaced before it took them are counted too.
 *
 * Frames may come lent from ingest's buffer pool (`frame.lease`, frame-pool.ts). Whatever this class
 * holds (a waiting frame, a slot, the latest frame) holds a reference; a push consumer registered with
 * `{ lent: true }` gets the lent frame itself (held for it until its handler's promise settles, and
 * its to retain beyond that); every other consumer, `take()` and `latest()` get a copy they own.
 */
export type FrameHandler = (frame: Frame) => void | Promise<void>;

const hold = (f: Frame | null) => f?.lease?.retain();
const letGo = (f: Frame | null) => f?.lease?.release();

interface PushConsumer {
  handler: FrameHandler;
  lent: boolean;
  busy: boolean;
  pending: Frame | null;
  dropped: number;
  delivered: number;
}

export interface FrameSlot {
  /** the newest frame not yet taken, or null */
  take(): Frame | null;
  readonly dropped: number;
  readonly delivered: number;
  close(): void;
}

type Key = string; // a camera id or '*'

export class FrameFanout {
  private readonly push = new Map<Key, Set<PushConsumer>>();
  private readonly slots = new Map<Key, Set<{ frame: Frame | null; dropped: number; delivered: number }>>();
  private readonly latestByCamera = new Map<string, Frame>();
  /** frames dropped for slow consumers, by camera (metrics and bench) */
  readonly droppedByCamera = new Map<string, number>();

  onFrame(
    key: Key,
    handler: FrameHandler,
    opts: { lent?: boolean } = {},
  ): { unsubscribe(): void; stats(): { dropped: number; delivered: number } } {
    const c: PushConsumer = {
      handler,
      lent: opts.lent === true,
      busy: false,
      pending: null,
      dropped: 0,
      delivered: 0,
    };
    this.setOf(this.push, key).add(c);
    return {
      unsubscribe: () => {
        this.push.get(key)?.delete(c);
        letGo(c.pending);
        c.pending = null;
      },
      stats: () => ({ dropped: c.dropped, delivered: c.delivered }),
    };
  }

  slot(key: Key): FrameSlot {
    const s = { frame: null as Frame | null, dropped: 0, delivered: 0 };
    this.setOf(this.slots, key).add(s);
    return {
      take: () => {
        const f = s.frame;
        s.frame = null;
        if (!f) return null;
        s.delivered++;
        const own = ownedFrame(f);
        letGo(f);
        return own;
      },
      get dropped() {
        return s.dropped;
      },
      get delivered() {
        return s.delivered;
      },
      close: () => {
        this.slots.get(key)?.delete(s);
        letGo(s.frame);
        s.frame = null;
      },
    };
  }

  latest(cameraId: string): Frame | null {
    const f = this.latestByCamera.get(cameraId);
    return f ? ownedFrame(f) : null;
  }

  forget(cameraId: string): void {
    letGo(this.latestByCamera.get(cameraId) ?? null);
    this.latestByCamera.delete(cameraId);
  }

  publish(frame: Frame): void {
    hold(frame);
    letGo(this.latestByCamera.get(frame.cameraId) ?? null);
    this.latestByCamera.set(frame.cameraId, frame);
    for (const key of [frame.cameraId, '*']) {
      for (const s of this.slots.get(key) ?? []) {
        if (s.frame) this.countDrop(frame.cameraId, () => s.dropped++);
        letGo(s.frame);
        hold(frame);
        s.frame = frame;
      }
      for (const c of this.push.get(key) ?? []) {
        if (c.busy) {
          if (c.pending) this.countDrop(frame.cameraId, () => c.dropped++);
          letGo(c.pending);
          hold(frame);
          c.pending = frame;
        } else this.run(c, frame);
      }
    }
  }

  private countDrop(cameraId: string, inc: () => void): void {
    inc();
    this.droppedByCamera.set(cameraId, (this.droppedByCamera.get(cameraId) ?? 0) + 1);
  }

  private run(c: PushConsumer, frame: Frame): void {
    c.busy = true;
    c.delivered++;
    // a lent frame is held for the consumer until its handler is done with it
    if (c.lent) hold(frame);
    let result: void | Promise<void>;
    try {
      result = c.handler(c.lent ? frame : ownedFrame(frame));
    } catch {
      result = undefined; // a throwing consumer must not stop the camera; it gets the next frame
    }
    if (result && typeof (result as Promise<void>).then === 'function') {
      (result as Promise<void>).then(
        () => this.done(c, frame),
        () => this.done(c, frame),
      );
    } else this.done(c, frame);
  }

  private done(c: PushConsumer, frame: Frame): void {
    if (c.lent) letGo(frame);
    c.busy = false;
    const next = c.pending;
    c.pending = null;
    if (next) {
      this.run(c, next);
      letGo(next); // the waiting frame's reference; run() took its own
    }
  }

  private setOf<T>(map: Map<Key, Set<T>>, key: Key): Set<T> {
    let s = map.get(key);
    if (!s) map.set(key, (s = new Set()));
    return s;
  }
}
