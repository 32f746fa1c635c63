import type { Box } from './types.ts';
import { iou } from './yolox-decode.ts';

/**
 * Recent per-person answers of a stage-2 classifier, per camera (pure: no I/O, time passed in).
 * A person whose box overlaps a box classified less than `maxAgeMs` ago on the same camera by at
 * least `minIou` gets that answer again instead of another crop through the model: a hi-vis vest
 * does not come and go between two frames half a second apart, while the crop costs ~8 ms. A person
 * who moves (IoU falls) is classified afresh.
 *
 * Age alone would make the stage's cost grow exactly when the box can least afford it: when the
 * camera's frames come slower than planned (an overloaded box serves each camera at 0.5/s instead of
 * 2/s), every answer has expired by the next frame, each frame pays a crop per person, and the box
 * falls further behind (measured in #25: 0.6 crops per frame at 8 cameras, 4 at 20). So an answer may
 * also serve the next `minUses` frames of its person whatever its age, up to `graceMs`: per frame the
 * stage then costs what it costs at the planned rate, and the rules' frame windows (e.g. 4 of 6
 * frames) see as many fresh looks per window as at the planned rate. Without `minUses` an answer never
 * outlives `maxAgeMs`.
 */
export interface ReuseSettings {
  maxAgeMs: number;
  minIou: number;
  /** cameras remembered at most (least recently used forgotten first) */
  maxKeys?: number;
  /** frames an answer may serve past `maxAgeMs` (counting every reuse), never past `graceMs` */
  minUses?: number;
  graceMs?: number;
}

export interface Remembered<T> {
  box: Box;
  value: T;
  /** when the answer was made (a reused answer keeps its original time) */
  ts: number;
  /** frames that have reused it so far (0 for a fresh answer) */
  uses?: number;
}

export class ReuseCache<T> {
  private readonly byKey = new Map<string, Remembered<T>[]>();

  constructor(private readonly s: ReuseSettings) {}

  /** The freshest-enough remembered answer overlapping `box` most on `key`, if any. */
  lookup(key: string, box: Box, now: number): Remembered<T> | undefined {
    let best: Remembered<T> | undefined;
    let bestIou = this.s.minIou;
    for (const e of this.byKey.get(key) ?? []) {
      if (!this.usable(e, now)) continue;
      const v = iou(e.box, box);
      if (v >= bestIou) {
        bestIou = v;
        best = e;
      }
    }
    return best;
  }

  private usable(e: Remembered<T>, now: number): boolean {
    if (now < e.ts) return false;
    const age = now - e.ts;
    if (age <= this.s.maxAgeMs) return true;
    return (e.uses ?? 0) < (this.s.minUses ?? 0) && age <= (this.s.graceMs ?? this.s.maxAgeMs);
  }

  /**
   * Replaces what `key` remembers by this frame's people, each with the box it has now and the time
   * its answer was made (so reuse never extends an answer's life).
   */
  set(key: string, entries: readonly Remembered<T>[], now: number): void {
    this.byKey.delete(key); // re-insert: Map order = least recently used first
    this.byKey.set(
      key,
      entries.filter((e) => this.usable(e, now)),
    );
    const max = this.s.maxKeys ?? 256;
    while (this.byKey.size > max) this.byKey.delete(this.byKey.keys().next().value!);
  }
}
