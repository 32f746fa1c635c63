import type { Frame } from '../ingest/types.ts';

/**
 * The last few seconds of decoded frames per camera, in memory, as ingest delivers them (detection
 * runs behind ingest, so by the time a violation is raised the camera has sent newer frames: the
 * snapshot picks the detection's own frame from here by timestamp, frame-choice.ts). Bounded by age
 * and by count; a frame is kept by reference, never copied (ingest hands each frame a fresh buffer).
 */
export class RecentFrames {
  private readonly byCamera = new Map<string, Frame[]>();

  constructor(
    private readonly keepMs: number,
    private readonly maxPerCamera: number,
  ) {}

  push(frame: Frame): void {
    let list = this.byCamera.get(frame.cameraId);
    if (!list) this.byCamera.set(frame.cameraId, (list = []));
    const last = list[list.length - 1];
    // out-of-order or repeated: ingest delivers in time order, so this is a restart's clock step back
    if (last && frame.ts <= last.ts) list.length = 0;
    list.push(frame);
    const from = frame.ts - this.keepMs;
    let drop = 0;
    while (drop < list.length - 1 && (list[drop]!.ts < from || list.length - drop > this.maxPerCamera))
      drop++;
    if (drop) list.splice(0, drop);
  }

  /** Frames of a camera within `windowMs` of `ts` (oldest first). */
  around(cameraId: string, ts: number, windowMs: number): Frame[] {
    return (this.byCamera.get(cameraId) ?? []).filter((f) => Math.abs(f.ts - ts) <= windowMs);
  }

  forget(cameraId: string): void {
    this.byCamera.delete(cameraId);
  }

  /** frames held, all cameras (memory is about width × height × 3 bytes each) */
  size(): number {
    let n = 0;
    for (const l of this.byCamera.values()) n += l.length;
    return n;
  }
}
