import type { Box } from './types.ts';
import { iou } from './yolox-decode.ts';

/**
 * Recent per-person answers of a stage-2 classifier, per camera (pure: no I/O, time passed in).
 * A person whose box overlaps a box classified less than `maxAgeMs` ago on the same camera by at
 * least `minIou` gets that answer again instead of another crop through the model: a hi-vis vest
 * does not come and go between two frames half a second apart, while the crop costs ~15 ms. An
 * answer is never older than `maxAgeMs`, and a person who moves (IoU falls) is classified afresh.
 */
export interface ReuseSettings {
  maxAgeMs: number;
  minIou: number;
  /** cameras remembered at most (least recently used forgotten first) */
  maxKeys?: number;
}

export interface Remembered<T> {
  box: Box;
  value: T;
  /** when the answer was made (a reused answer keeps its original time) */
  ts: number;
}

export class ReuseCache<T> {
  private readonly byKey = new Map<string, Remembered<T>[]>();

  constructor(private readonly s: ReuseSettings) {}

  /** The freshest-enough remembered answer overlapping `box` most on `key`, if any. */
  lookup(key: string, box: Box, now: number): Remembered<T> | undefined {
    let best: Remembered<T> | undefined;
    let bestIou = this.s.minIou;
    for (const e of this.byKey.get(key) ?? []) {
      if (now - e.ts > this.s.maxAgeMs || now < e.ts) continue;
      const v = iou(e.box, box);
      if (v >= bestIou) {
        bestIou = v;
        best = e;
      }
    }
    return best;
  }

  /**
   * Replaces what `key` remembers by this frame's people, each with the box it has now and the time
   * its answer was made (so reuse never extends an answer's life).
   */
  set(key: string, entries: readonly Remembered<T>[], now: number): void {
    this.byKey.delete(key); // re-insert: Map order = least recently used first
    this.byKey.set(
      key,
      entries.filter((e) => now - e.ts <= this.s.maxAgeMs),
    );
    const max = this.s.maxKeys ?? 256;
    while (this.byKey.size > max) this.byKey.delete(this.byKey.keys().next().value!);
  }
}
