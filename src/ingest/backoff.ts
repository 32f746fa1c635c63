/**
 * Stepped reconnect delays (go2rtc's 1 s ×5, 5 s, 10 s, 60 s, tuned): the first 30 retries come every
 * second so a camera that was away for under ~30 s is back within the 5 s recovery budget (retry ≤ 1 s
 * + connect + first keyframe + the recovering hold), then every 2 s and finally every 5 s — an ffmpeg
 * start costs ~40 ms of CPU, so a dead camera costs under 1% of a core while it is retried.
 */
export const DEFAULT_STEPS: readonly (readonly [count: number, delayMs: number])[] = [
  [30, 1000],
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
