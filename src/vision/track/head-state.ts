import type { Box, Detection, Label } from '../detect/types.ts';
import { band, center, containment, height, inside, iou, width } from './geometry.ts';

/**
 * A person's head state, the question the rules ask ("is this person's head covered by a hard hat?"),
 * from the `helmet` / `head` boxes around the person's head (pure).
 *
 * The answer must not depend on how a source draws its boxes: hard-hat-workers and safety-vest-v4
 * draw a `helmet` box around helmet and face, construction-site-safety around the helmet alone (a
 * smaller box at the top of the head). Both have their centre in the head region below, and a
 * helmet-alone box lies mostly inside a head box of the same head, so "the same head" is judged by
 * containment as well as IoU.
 */
export type HeadStateName = 'hard_hat' | 'bare' | 'unknown';

export interface HeadState {
  state: HeadStateName;
  /** the score of the box that decided (0 when unknown) */
  score: number;
  /** that box: the head (bare) or the hard hat (the source's convention), absent when unknown */
  headBox?: Box;
}

export const UNKNOWN_HEAD: HeadState = { state: 'unknown', score: 0 };

const HEAD_LABELS: readonly Label[] = ['helmet', 'head'];

/** Where the centre of a person's helmet or head box may lie: the top 35 % of the box, a little wider. */
export const headRegion = (person: Box): Box => band(person, -0.1, -0.1, 1.1, 0.35);

/** The spot a head box is expected at (used to choose between candidates). */
export const headSpot = (person: Box): [number, number] => [
  (person[0] + person[2]) / 2,
  person[1] + height(person) * 0.1,
];

/** Whether `d` is a helmet/head box that can be this person's head. */
export function fitsHead(d: Detection, person: Box): boolean {
  return (
    HEAD_LABELS.includes(d.label) &&
    inside(center(d.box), headRegion(person)) &&
    width(d.box) <= width(person) * 0.9
  );
}

/**
 * Two boxes on one head: they overlap by IoU ≥ 0.3, or the smaller lies ≥ 60 % inside the larger (a
 * helmet-alone box inside a helmet-and-face or bare-head box).
 */
export function sameHead(a: Box, b: Box): boolean {
  if (iou(a, b) >= 0.3) return true;
  const [small, large] = width(a) * height(a) <= width(b) * height(b) ? [a, b] : [b, a];
  return containment(small, large) >= 0.6;
}

/**
 * The head state given the box chosen as the person's head (`anchor`; null: none seen) and the other
 * helmet/head boxes near it. A head the detector hedged on (a `helmet` and a `head` box on it, which
 * per-class NMS keeps both of) is decided by the higher score, not by which box happens to sit nearer.
 */
export function headStateAt(anchor: Detection | null | undefined, others: readonly Detection[]): HeadState {
  if (!anchor) return UNKNOWN_HEAD;
  let best = anchor;
  for (const d of others)
    if (HEAD_LABELS.includes(d.label) && d.score > best.score && sameHead(d.box, anchor.box)) best = d;
  return { state: best.label === 'helmet' ? 'hard_hat' : 'bare', score: best.score, headBox: best.box };
}

/**
 * The head state of one person from all detections of a frame: the helmet/head box nearest the
 * expected head spot (ties: the higher score) is the head, then as headStateAt. `minScore` per label
 * (e.g. the operating thresholds) ignores weaker boxes, so `jianhu detect --min-score` does not change
 * the state. Several people are resolved one-to-one by attachPpe (track/ppe.ts); this is for one.
 */
export function headState(
  person: Box,
  detections: readonly Detection[],
  minScore: Partial<Record<Label, number>> = {},
): HeadState {
  const cands = detections.filter((d) => fitsHead(d, person) && d.score >= (minScore[d.label] ?? 0));
  const [sx, sy] = headSpot(person);
  const cost = (d: Detection): number => {
    const [cx, cy] = center(d.box);
    return Math.hypot(cx - sx, cy - sy) / Math.max(height(person), 1);
  };
  const anchor = [...cands].sort((a, b) => cost(a) - cost(b) || b.score - a.score)[0];
  return headStateAt(anchor, cands);
}
