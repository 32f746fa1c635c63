import type { Clock } from '../../platform/shared/clock.ts';

/**
 * Where a person was last seen standing at a camera's guardian post (a `guardian_post` zone). The
 * violation pipeline writes it from each frame; the locks (加锁赋码) read it before granting an unlock.
 * The composition root makes one and hands it to both, so neither context waits for the other.
 */
export class GuardianPresenceBoard {
  private readonly seenAt = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    /** how old a sighting may be and still count */
    private readonly withinMs = 5000,
  ) {}

  seen(cameraId: string, frameTs: number): void {
    this.seenAt.set(cameraId, frameTs);
  }

  /** The camera stopped: nothing it showed before counts any more. */
  forget(cameraId: string): void {
    this.seenAt.delete(cameraId);
  }

  presentAt(cameraId: string): boolean {
    const ts = this.seenAt.get(cameraId);
    return ts !== undefined && this.clock.now() - ts <= this.withinMs;
  }
}
