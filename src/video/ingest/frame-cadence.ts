/**
 * A camera's own frame cadence: the median of its last few frame intervals. A camera decoded at
 * keyframes only (`ingest.keyframesOnly`) delivers one frame per GOP (often 2–4 s), so "no frame for
 * 1.5 s" is its normal rhythm, not a stall; the health machine widens its no-frame limit to twice this.
 * The median ignores the one long gap of an outage, so a fault does not teach the camera to be slow.
 */
export class FrameCadence {
  private readonly intervals: number[] = [];
  private last: number | null = null;

  /** `prior`: the interval to assume before one is measured (keyframes only: a common 4 s GOP) */
  constructor(
    private readonly prior: number | null = null,
    private readonly window = 9,
  ) {}

  /** Record a frame received at `at` (ms). */
  frame(at: number): void {
    if (this.last !== null && at > this.last) {
      this.intervals.push(at - this.last);
      if (this.intervals.length > this.window) this.intervals.shift();
    }
    this.last = at;
  }

  /** A gap in the stream (reconnect): the next interval would measure the outage, not the cadence. */
  break(): void {
    this.last = null;
  }

  /** A new rhythm (decoding mode switched): forget the old intervals; assume the prior until measured. */
  reset(): void {
    this.intervals.length = 0;
    this.last = null;
  }

  /** Median interval (ms); the prior until one interval is known. */
  typical(): number | null {
    if (this.intervals.length === 0) return this.prior;
    const s = [...this.intervals].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
  }
}
