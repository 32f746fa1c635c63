/**
 * Stepped reconnect delays (go2rtc's 1 s ×5, 5 s, 10 s, 60 s, tuned to the 5 s recovery budget:
 * retry wait + RTSP open (~1 s) + first keyframe (≤ 1 s GOP) + the 1 s recovering hold). The first 10
 * retries come every 0.5 s, the next 20 every second, so a camera away for under ~25 s is back within
 * 5 s; then every 2 s, and from ~1.5 min on every 5 s. An ffmpeg start costs ~50 ms of CPU, so even the
 * fastest step costs a dead camera ~10% of a core for a few seconds, and ~1% once it settles.
 */
export const DEFAULT_STEPS: readonly (readonly [count: number, delayMs: number])[] = [
  [10, 500],
  [20, 1000],
  [30, 2000],
  [Infinity, 5000],
];

export class Backoff {
  private attempt = 0;
  constructor(private readonly steps: readonly (readonly [number, number])[] = DEFAULT_STEPS) {}

  /** Delay before the next attempt; each call counts one failed attempt. */
  next(): number {
    let n = this.attempt++;
    for (const [count, delay] of this.steps) {
      if (n < count) return delay;
      n -= count;
    }
    return this.steps.at(-1)![1];
  }

  /** A session that delivered frames resets the ladder. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
