/**
 * Detection metrics (pure): greedy matching at IoU 0.5, VOC all-point AP, precision/recall at a
 * threshold, a confusion summary between labels, and frame-level recall/false-positive rates.
 */
import type { Box, Detection, Label } from '../../vision/detect/types.ts';
import { iou } from '../../vision/detect/plugins/ppe-postprocess.ts';
import type { GroundTruth } from './eval-data.ts';

export interface Matched {
  score: number;
  tp: boolean;
}

/**
 * Matches one image's detections of `label` to its ground truths of `label` (highest score first,
 * each GT at most once, IoU ≥ thr), returning each detection's score and whether it is a true positive.
 */
export function matchImage(
  dets: readonly Detection[],
  gts: readonly GroundTruth[],
  label: Label,
  thr = 0.5,
): Matched[] {
  const g = gts.filter((x) => x.label === label).map((x) => x.box);
  const used = new Array<boolean>(g.length).fill(false);
  const out: Matched[] = [];
  for (const d of [...dets].filter((x) => x.label === label).sort((a, b) => b.score - a.score)) {
    let best = -1;
    let bestIou = thr;
    g.forEach((box, i) => {
      if (used[i]) return;
      const v = iou(d.box, box);
      if (v >= bestIou) {
        bestIou = v;
        best = i;
      }
    });
    if (best >= 0) used[best] = true;
    out.push({ score: d.score, tp: best >= 0 });
  }
  return out;
}

/** VOC (2010+) all-point interpolated average precision. */
export function averagePrecision(matched: readonly Matched[], nGt: number): number {
  if (nGt === 0) return NaN;
  const sorted = [...matched].sort((a, b) => b.score - a.score);
  const prec: number[] = [];
  const rec: number[] = [];
  let tp = 0;
  sorted.forEach((m, i) => {
    if (m.tp) tp++;
    prec.push(tp / (i + 1));
    rec.push(tp / nGt);
  });
  for (let i = prec.length - 2; i >= 0; i--) prec[i] = Math.max(prec[i] as number, prec[i + 1] as number);
  let ap = 0;
  let prevR = 0;
  for (let i = 0; i < rec.length; i++) {
    ap += ((rec[i] as number) - prevR) * (prec[i] as number);
    prevR = rec[i] as number;
  }
  return ap;
}

export function precisionRecallAt(
  matched: readonly Matched[],
  nGt: number,
  thr: number,
): { precision: number; recall: number } {
  const kept = matched.filter((m) => m.score >= thr);
  const tp = kept.filter((m) => m.tp).length;
  return { precision: kept.length ? tp / kept.length : NaN, recall: nGt ? tp / nGt : NaN };
}

/** The threshold maximising F1 on a matched set (used on the validation split only). */
export function bestF1Threshold(matched: readonly Matched[], nGt: number): { thr: number; f1: number } {
  const sorted = [...matched].sort((a, b) => b.score - a.score);
  let tp = 0;
  let best = { thr: 0.5, f1: 0 };
  sorted.forEach((m, i) => {
    if (m.tp) tp++;
    const p = tp / (i + 1);
    const r = nGt ? tp / nGt : 0;
    const f1 = p + r > 0 ? (2 * p * r) / (p + r) : 0;
    if (f1 > best.f1) best = { thr: m.score, f1 };
  });
  return best;
}

/**
 * Confusion summary: for every GT box, what the best-overlapping kept detection (IoU ≥ 0.5) called
 * it ('missed' if none); plus detections overlapping no GT ('background').
 */
export function confusion(
  dets: readonly Detection[],
  gts: readonly GroundTruth[],
  into: Map<string, number>,
  thr = 0.5,
): void {
  const add = (k: string): void => void into.set(k, (into.get(k) ?? 0) + 1);
  for (const g of gts) {
    let best: Detection | null = null;
    let bestIou = thr;
    for (const d of dets) {
      const v = iou(d.box, g.box);
      if (v >= bestIou) {
        bestIou = v;
        best = d;
      }
    }
    add(`${g.label} → ${best ? best.label : 'missed'}`);
  }
  for (const d of dets) if (!gts.some((g) => iou(d.box, g.box) >= thr)) add(`background → ${d.label}`);
}

/** Frame-level decision quality: a frame is positive if it has any GT of the labels. */
export function frameRates(
  frames: readonly { positive: boolean; score: number }[],
  thr: number,
): { recall: number; fpRate: number } {
  const pos = frames.filter((f) => f.positive);
  const neg = frames.filter((f) => !f.positive);
  return {
    recall: pos.length ? pos.filter((f) => f.score >= thr).length / pos.length : NaN,
    fpRate: neg.length ? neg.filter((f) => f.score >= thr).length / neg.length : NaN,
  };
}

export type { Box };
