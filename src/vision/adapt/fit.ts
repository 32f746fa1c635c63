/**
 * Retrains the scoring rows of the last layer (objectness, helmet, head: 3 × 49 numbers) on a CellSet,
 * starting from the shipped values and pulled back towards them (L2), so the site's crops move the
 * scores only as far as the shipped photos allow. Pure and deterministic; full-batch Adam (the problem is
 * tiny and convex: logistic losses on fixed features).
 */
import { CellKind, HEAD, HELMET, type CellSet } from './cells.ts';
import { cloneLayer, type LastLayer } from './head-layer.ts';

/** output rows the adaptation may change: objectness, helmet, head (rows 0–3 are the box) */
export const SCORE_ROWS = [4, 5, 6] as const;

export interface FitOptions {
  steps: number;
  lr: number;
  /** L2 pull towards the shipped layer, per weight */
  anchor: number;
}

/**
 * Chosen on validation only (bench/adapt.ts's reviewed half: the site's held-back crops, and the shipped
 * validation photos), never on the later half the bench reports: anchor 0.001 and site share 0.5 raised
 * the held-back agreement 0.639 → 0.750 for 0.015 of shipped validation AP; anchor 0.01 left it ≤ 0.667.
 */
export const DEFAULT_FIT: FitOptions = { steps: 200, lr: 0.01, anchor: 0.001 };

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const softplus = (z: number): number => (z > 20 ? z : Math.log1p(Math.exp(z)));
/** binary cross-entropy of logit z against target t (its gradient in z is sigmoid(z) − t) */
const bce = (z: number, t: number): number => softplus(z) - t * z;

/** Per cell, per score row: the target (NaN = this row is not taught by this cell). */
function targets(set: CellSet, i: number): [number, number, number] {
  const k = set.kind[i] as CellKind;
  const c = set.cls[i] as number;
  switch (k) {
    case CellKind.ShippedObject:
      return [set.iou[i] as number, c === HELMET ? 1 : 0, c === HEAD ? 1 : 0];
    case CellKind.ShippedBackground:
      return [0, NaN, NaN];
    case CellKind.SiteBareHead:
      return [set.iou[i] as number, 0, 1];
    case CellKind.SiteNotBareHead:
      return [NaN, NaN, 0];
  }
}

/** Mean weighted loss of `layer` on `set` (no anchor term). */
export function cellLoss(layer: LastLayer, set: CellSet, kinds?: readonly CellKind[]): number {
  let total = 0;
  let wsum = 0;
  for (let i = 0; i < set.n; i++) {
    if (kinds && !kinds.includes(set.kind[i] as CellKind)) continue;
    const t = targets(set, i);
    const w = set.w[i] as number;
    SCORE_ROWS.forEach((r, j) => {
      const tj = t[j] as number;
      if (Number.isNaN(tj)) return;
      total += w * bce(logit(layer, r, set.x, i * set.hidden), tj);
    });
    wsum += w;
  }
  return wsum > 0 ? total / wsum : 0;
}

function logit(layer: LastLayer, row: number, x: Float32Array, xo: number): number {
  let a = layer.b[row] as number;
  const wo = row * layer.hidden;
  for (let c = 0; c < layer.hidden; c++) a += (layer.w[wo + c] as number) * (x[xo + c] as number);
  return a;
}

export function fitScoreRows(start: LastLayer, set: CellSet, o: FitOptions = DEFAULT_FIT): LastLayer {
  const layer = cloneLayer(start);
  const H = layer.hidden;
  const R = SCORE_ROWS.length;
  const nParam = R * (H + 1);
  const m = new Float64Array(nParam);
  const v = new Float64Array(nParam);
  const g = new Float64Array(nParam);
  // each row's loss is a weighted mean over the cells that teach it: background cells (objectness only)
  // must not drown the class rows, and the anchor then means the same for every row
  const rowW = [0, 0, 0];
  for (let i = 0; i < set.n; i++) {
    const t = targets(set, i);
    for (let j = 0; j < R; j++) if (!Number.isNaN(t[j] as number)) rowW[j]! += set.w[i] as number;
  }
  const at = (j: number, c: number): number => SCORE_ROWS[j]! * H + c; // index into layer.w
  for (let step = 1; step <= o.steps; step++) {
    g.fill(0);
    for (let i = 0; i < set.n; i++) {
      const t = targets(set, i);
      const xo = i * H;
      for (let j = 0; j < R; j++) {
        const tj = t[j] as number;
        if (Number.isNaN(tj)) continue;
        const d =
          ((set.w[i] as number) / (rowW[j] as number)) *
          (sigmoid(logit(layer, SCORE_ROWS[j]!, set.x, xo)) - tj);
        const go = j * (H + 1);
        for (let c = 0; c < H; c++) g[go + c] = (g[go + c] as number) + d * (set.x[xo + c] as number);
        g[go + H] = (g[go + H] as number) + d;
      }
    }
    for (let j = 0; j < R; j++) {
      const go = j * (H + 1);
      for (let p = 0; p <= H; p++) {
        const isBias = p === H;
        const cur = isBias ? (layer.b[SCORE_ROWS[j]!] as number) : (layer.w[at(j, p)] as number);
        const orig = isBias ? (start.b[SCORE_ROWS[j]!] as number) : (start.w[at(j, p)] as number);
        const gp = (g[go + p] as number) + 2 * o.anchor * (cur - orig);
        m[go + p] = 0.9 * (m[go + p] as number) + 0.1 * gp;
        v[go + p] = 0.999 * (v[go + p] as number) + 0.001 * gp * gp;
        const mh = (m[go + p] as number) / (1 - 0.9 ** step);
        const vh = (v[go + p] as number) / (1 - 0.999 ** step);
        const next = cur - (o.lr * mh) / (Math.sqrt(vh) + 1e-8);
        if (isBias) layer.b[SCORE_ROWS[j]!] = next;
        else layer.w[at(j, p)] = next;
      }
    }
  }
  return layer;
}
