import type { Frame } from '../ingest/types.ts';

/**
 * The last few seconds of decoded frames per camera, in memory, as ingest delivers them (detection
 * runs behind ingest, so by the time a violation is raised the camera has sent newer frames: the
 * snapshot picks the detection's own frame from here by timestamp, frame-choice.ts). Bounded by age
 * and by count.
 *
 * Ingest lends its frames from a reused buffer pool (`Frame.lease`), so every frame is COPIED here into
 * a buffer this class owns (the buffers of frames that aged out are reused for that: no allocation per
 * frame), and `around()` hands out copies again: a snapshot still encoding when its frame ages out
 * here must not see that buffer refilled. Nothing outside this class ever holds one of its buffers.
 */
export class RecentFrames {
  private readonly byCamera = new Map<string, Frame[]>();
  /** buffers of frames that aged out, by size, ready for the next copy */
  private readonly spare = new Map<number, Buffer[]>();

  constructor(
    private readonly keepMs: number,
    private readonly maxPerCamera: number,
    private readonly maxSpare = 8,
  ) {}

  push(frame: Frame): void {
    let list = this.byCamera.get(frame.cameraId);
    if (!list) this.byCamera.set(frame.cameraId, (list = []));
    const last = list[list.length - 1];
    // out-of-order or repeated: ingest delivers in time order, so this is a restart's clock step back
    if (last && frame.ts <= last.ts) this.recycle(list.splice(0));
    const { cameraId, ts, seq, width, height } = frame;
    const data = this.buffer(frame.data.length);
    frame.data.copy(data);
    list.push({ cameraId, ts, seq, width, height, data });
    const from = frame.ts - this.keepMs;
    let drop = 0;
    while (drop < list.length - 1 && (list[drop]!.ts < from || list.length - drop > this.maxPerCamera))
      drop++;
    if (drop) this.recycle(list.splice(0, drop));
  }

  /** Frames of a camera within `windowMs` of `ts` (oldest first), as copies the caller owns. */
  around(cameraId: string, ts: number, windowMs: number): Frame[] {
    return (this.byCamera.get(cameraId) ?? [])
      .filter((f) => Math.abs(f.ts - ts) <= windowMs)
      .map((f) => ({ ...f, data: Buffer.from(f.data) }));
  }

  forget(cameraId: string): void {
    this.recycle(this.byCamera.get(cameraId) ?? []);
    this.byCamera.delete(cameraId);
  }

  /** frames held, all cameras (memory is about width × height × 3 bytes each) */
  size(): number {
    let n = 0;
    for (const l of this.byCamera.values()) n += l.length;
    return n;
  }

  private buffer(bytes: number): Buffer {
    return this.spare.get(bytes)?.pop() ?? Buffer.allocUnsafe(bytes);
  }

  private recycle(frames: Frame[]): void {
    for (const f of frames) {
      let list = this.spare.get(f.data.length);
      if (!list) this.spare.set(f.data.length, (list = []));
      if (list.length < this.maxSpare) list.push(f.data);
    }
  }
}
