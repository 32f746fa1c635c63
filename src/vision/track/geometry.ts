import type { Box } from '../detect/types.ts';

/** Box geometry shared by the tracker, the PPE association and the rules (pure). */
export const width = (b: Box): number => Math.max(0, b[2] - b[0]);
export const height = (b: Box): number => Math.max(0, b[3] - b[1]);
export const area = (b: Box): number => width(b) * height(b);
export const center = (b: Box): [number, number] => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
/** Where a standing person touches the ground: zones are tested on this point. */
export const footPoint = (b: Box): [number, number] => [(b[0] + b[2]) / 2, b[3]];

export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** Share of `inner`'s area that lies inside `outer` (1 = fully inside). */
export function containment(inner: Box, outer: Box): number {
  const ix = Math.max(0, Math.min(inner[2], outer[2]) - Math.max(inner[0], outer[0]));
  const iy = Math.max(0, Math.min(inner[3], outer[3]) - Math.max(inner[1], outer[1]));
  const a = area(inner);
  return a > 0 ? (ix * iy) / a : 0;
}

export const inside = (p: readonly [number, number], b: Box): boolean =>
  p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3];

/** A sub-box of `b` given as fractions of its width/height (e.g. the head band = top 30%). */
export function band(b: Box, x0: number, y0: number, x1: number, y1: number): Box {
  const w = width(b);
  const h = height(b);
  return [b[0] + w * x0, b[1] + h * y0, b[0] + w * x1, b[1] + h * y1];
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
