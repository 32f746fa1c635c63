import type { Box, Detection } from '../detect/types.ts';
import { center, cosine, height, iou, width } from './geometry.ts';

/**
 * A multi-object tracker for people (SORT-like, pure): constant-velocity prediction, affinity from IoU
 * with the predicted box and from centre distance (people move far between frames at 2 fps, so IoU
 * alone loses them), optionally plus appearance (re-id embeddings, cosine), then greedy matching by
 * best affinity. Tracks are tentative until seen `minHits` times, go `lost` when unmatched and are
 * dropped after `maxLostMs`, so a person who is hidden for a moment keeps the same id.
 */
export type TrackState = 'tentative' | 'confirmed' | 'lost';

export interface Track {
  id: number;
  box: Box;
  score: number;
  state: TrackState;
  hits: number;
  firstTs: number;
  /** last time a detection was matched */
  lastTs: number;
  /** centre velocity, pixels per ms */
  vx: number;
  vy: number;
  embedding: Float32Array | null;
}

export interface TrackerParams {
  minHits: number;
  maxLostMs: number;
  /** a pair needs at least this IoU with the predicted box, or a centre distance within `distGate` */
  iouGate: number;
  /** centre distance in units of the person's box height */
  distGate: number;
  /** weight of appearance similarity in the affinity (0 = motion only) */
  appearanceWeight: number;
  /** pairs with embeddings less similar than this are never matched */
  minAppearance: number;
  minScore: number;
}

export const DEFAULT_TRACKER: TrackerParams = {
  minHits: 2,
  maxLostMs: 3000,
  iouGate: 0.1,
  distGate: 0.6,
  appearanceWeight: 0.5,
  minAppearance: 0.3,
  minScore: 0.3,
};

export interface TrackerUpdate {
  /** confirmed tracks matched in this frame (the people the rules look at) */
  visible: Track[];
  /** ids dropped in this update (lost too long, or tentative and missed) */
  removed: number[];
}

export class Tracker {
  private readonly tracks: Track[] = [];
  private nextId = 1;
  private lastTs = -Infinity;
  readonly params: TrackerParams;

  constructor(params: Partial<TrackerParams> = {}) {
    this.params = { ...DEFAULT_TRACKER, ...params };
  }

  /** All live tracks (tentative, confirmed, lost), for debugging and overlays. */
  all(): readonly Track[] {
    return this.tracks;
  }

  predict(t: Track, ts: number): Box {
    const dt = Math.min(ts - t.lastTs, this.params.maxLostMs);
    const dx = t.vx * dt;
    const dy = t.vy * dt;
    return [t.box[0] + dx, t.box[1] + dy, t.box[2] + dx, t.box[3] + dy];
  }

  /**
   * `people` are this frame's person detections; `embeddings[i]` (optional) is detection i's
   * appearance vector. Frames must come in time order; an older frame is ignored.
   */
  update(
    ts: number,
    people: readonly Detection[],
    embeddings?: readonly (Float32Array | null)[],
  ): TrackerUpdate {
    if (ts < this.lastTs) return { visible: [], removed: [] };
    this.lastTs = ts;
    const p = this.params;
    const dets = people
      .map((d, i) => ({ d, e: embeddings?.[i] ?? null }))
      .filter((x) => x.d.label === 'person' && x.d.score >= p.minScore && width(x.d.box) > 0);

    const pairs: { t: number; d: number; a: number }[] = [];
    this.tracks.forEach((track, ti) => {
      const pred = this.predict(track, ts);
      const [pcx, pcy] = center(pred);
      const h = Math.max(height(pred), 1);
      dets.forEach(({ d, e }, di) => {
        const ov = iou(pred, d.box);
        const [cx, cy] = center(d.box);
        const dist = Math.hypot(cx - pcx, cy - pcy) / h;
        if (ov < p.iouGate && dist > p.distGate) return;
        let a = ov + 0.5 * Math.max(0, 1 - dist / p.distGate);
        if (e && track.embedding && p.appearanceWeight > 0) {
          const sim = cosine(e, track.embedding);
          if (sim < p.minAppearance) return;
          a += p.appearanceWeight * sim;
        }
        pairs.push({ t: ti, d: di, a });
      });
    });
    pairs.sort((x, y) => y.a - x.a);
    const usedT = new Set<number>();
    const usedD = new Set<number>();
    for (const pr of pairs) {
      if (usedT.has(pr.t) || usedD.has(pr.d)) continue;
      usedT.add(pr.t);
      usedD.add(pr.d);
      this.apply(this.tracks[pr.t]!, dets[pr.d]!.d, dets[pr.d]!.e, ts);
    }

    const removed: number[] = [];
    for (let i = this.tracks.length - 1; i >= 0; i--) {
      if (usedT.has(i)) continue;
      const t = this.tracks[i]!;
      if (t.state === 'tentative' || ts - t.lastTs > p.maxLostMs) {
        removed.push(t.id);
        this.tracks.splice(i, 1);
      } else t.state = 'lost';
    }
    dets.forEach(({ d, e }, di) => {
      if (usedD.has(di)) return;
      this.tracks.push({
        id: this.nextId++,
        box: [...d.box],
        score: d.score,
        state: p.minHits <= 1 ? 'confirmed' : 'tentative',
        hits: 1,
        firstTs: ts,
        lastTs: ts,
        vx: 0,
        vy: 0,
        embedding: e ? Float32Array.from(e) : null,
      });
    });
    const visible = this.tracks.filter((t) => t.state === 'confirmed' && t.lastTs === ts);
    return { visible, removed };
  }

  private apply(t: Track, d: Detection, e: Float32Array | null, ts: number): void {
    const dt = ts - t.lastTs;
    if (dt > 0) {
      const [ox, oy] = center(t.box);
      const [nx, ny] = center(d.box);
      // Smoothed so one jittery box does not fling the prediction.
      t.vx = 0.5 * t.vx + 0.5 * ((nx - ox) / dt);
      t.vy = 0.5 * t.vy + 0.5 * ((ny - oy) / dt);
    }
    t.box = [...d.box];
    t.score = d.score;
    t.hits++;
    t.lastTs = ts;
    if (t.state !== 'confirmed' && t.hits >= this.params.minHits) t.state = 'confirmed';
    else if (t.state === 'lost') t.state = 'confirmed';
    if (e) {
      if (!t.embedding) t.embedding = Float32Array.from(e);
      else
        for (let i = 0; i < t.embedding.length; i++)
          t.embedding[i] = 0.9 * t.embedding[i]! + 0.1 * (e[i] ?? 0);
    }
  }
}
