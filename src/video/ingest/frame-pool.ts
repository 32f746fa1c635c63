import type { FrameLease } from './types.ts';

/**
 * Frame buffers reused frame after frame, so that the main thread does not allocate (and the garbage
 * collector free) a 691 KB buffer for every decoded 640×360 frame, most of which the detection
 * mailboxes then drop (src/vision/detect/README.md, "Where the worker's time went").
 *
 * A buffer returns to the pool only through its lease: the frame is published holding one reference,
 * every consumer that keeps the frame past its handler call retains it and releases it when done, and
 * the last release gives the buffer back. Consumers that did not ask for lent frames never see a pooled
 * buffer: the fan-out hands them a copy they own (frame-fanout.ts), and evidence copies into buffers of
 * its own, so a reused buffer can never end up under a snapshot.
 */
export class FramePool {
  private readonly free: Buffer[] = [];
  readonly counts = { allocated: 0, reused: 0, returned: 0, discarded: 0 };

  /** `maxFree`: buffers kept for reuse; beyond that a returned buffer is left to the collector */
  constructor(
    readonly frameBytes: number,
    private readonly maxFree = 6,
  ) {}

  acquire(): Buffer {
    const b = this.free.pop();
    if (b) {
      this.counts.reused++;
      return b;
    }
    this.counts.allocated++;
    return Buffer.allocUnsafe(this.frameBytes);
  }

  /** A lease with one reference (the publisher's) that gives `buf` back on its last release. */
  lease(buf: Buffer): FrameLease {
    let refs = 1;
    return {
      retain: () => {
        if (refs <= 0) throw new Error('frame lease retained after its buffer was given back');
        refs++;
      },
      release: () => {
        if (refs <= 0) throw new Error('frame lease released more often than retained');
        if (--refs === 0) this.give(buf);
      },
    };
  }

  private give(buf: Buffer): void {
    if (this.free.length >= this.maxFree) {
      this.counts.discarded++;
      return;
    }
    this.counts.returned++;
    this.free.push(buf);
  }
}
