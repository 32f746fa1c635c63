/**
 * The figures `npm run eval` prints per model and source (pure): AP at several IoUs over every
 * detection reported (down to --min-score), precision/recall at the operating thresholds, and what
 * became of the labelled bare heads — the failure mode that matters most (a bare head called `helmet`
 * is a missed 未戴安全帽 violation).
 */
import { iou } from '../../vision/detect/plugins/ppe-postprocess.ts';
import type { Detection, Label } from '../../vision/detect/types.ts';
import { headState, type HeadStateName } from '../../vision/track/head-state.ts';
import { attachPpe } from '../../vision/track/ppe.ts';
import type { GroundTruth } from './eval-data.ts';
import { averagePrecision, matchImage, precisionRecallAt, type Matched } from './eval-metrics.ts';

export interface ImageResult {
  dets: readonly Detection[];
  gts: readonly GroundTruth[];
}

export interface AtIou {
  iou: number;
  ap: number;
  precision: number;
  recall: number;
}

export interface LabelFigures {
  label: Label;
  gts: number;
  /** the operating threshold precision and recall are read at */
  threshold: number;
  at: AtIou[];
}

export function labelFigures(
  results: readonly ImageResult[],
  labels: readonly Label[],
  thresholds: Partial<Record<Label, number>>,
  ious: readonly number[],
): LabelFigures[] {
  return labels.map((label) => {
    const gts = results.reduce((n, r) => n + r.gts.filter((g) => g.label === label).length, 0);
    const threshold = thresholds[label] ?? 1;
    const at = ious.map((thr) => {
      const matched: Matched[] = results.flatMap((r) => matchImage(r.dets, r.gts, label, thr));
      // greedy matching takes detections best first, so the kept ones match as if alone
      return { iou: thr, ap: averagePrecision(matched, gts), ...precisionRecallAt(matched, gts, threshold) };
    });
    return { label, gts, threshold, at };
  });
}

export interface BareHeads {
  heads: number;
  /** found as `head` at the operating threshold */
  asHead: number;
  /** called `helmet`: the missed violation */
  asHelmet: number;
  missed: number;
  iou: number;
}

/**
 * For every labelled bare head, the helmet/head detection at the operating thresholds that overlaps it
 * by IoU ≥ `minIou` and scores highest (as a hedged head is decided, track/head-state.ts): `head`,
 * `helmet`, or none.
 */
export function bareHeadOutcomes(
  results: readonly ImageResult[],
  thresholds: Partial<Record<Label, number>>,
  minIou = 0.3,
): BareHeads {
  const out: BareHeads = { heads: 0, asHead: 0, asHelmet: 0, missed: 0, iou: minIou };
  for (const r of results) {
    const kept = r.dets.filter(
      (d) => (d.label === 'helmet' || d.label === 'head') && d.score >= (thresholds[d.label] ?? 1),
    );
    for (const g of r.gts) {
      if (g.label !== 'head') continue;
      out.heads++;
      const best = kept.filter((d) => iou(d.box, g.box) >= minIou).sort((a, b) => b.score - a.score)[0];
      if (!best) out.missed++;
      else if (best.label === 'head') out.asHead++;
      else out.asHelmet++;
    }
  }
  return out;
}

const f3 = (v: number): string => (Number.isNaN(v) ? '  n/a' : v.toFixed(3));

/** One line per label: GT, AP per IoU, then precision/recall per IoU at the operating threshold. */
export function formatLabelFigures(c: LabelFigures): string {
  const ap = c.at.map((a) => f3(a.ap)).join('  ');
  const pr = c.at.map((a) => `${f3(a.precision)} / ${f3(a.recall)}`).join('   ');
  return `  ${c.label.padEnd(8)} ${String(c.gts).padStart(5)}   ${ap}   ${c.threshold.toFixed(2)}   ${pr}`;
}

export function formatBareHeads(b: BareHeads): string {
  const r = (n: number): string => (b.heads ? (n / b.heads).toFixed(3) : 'n/a');
  return (
    `  bare heads 未戴安全帽 (IoU ≥ ${b.iou}, operating thresholds): ${b.heads} — found as head ${b.asHead} (recall ${r(b.asHead)}), ` +
    `called helmet 误判为安全帽 ${b.asHelmet} (${r(b.asHelmet)}), missed 漏检 ${b.missed} (${r(b.missed)})`
  );
}

export type HeadStateCounts = Record<'hard_hat' | 'bare', Record<HeadStateName | 'no_person', number>>;

/**
 * The rules' own question, free of any box convention: for every labelled person whose head is labelled
 * (a helmet or bare-head box in its head region, track/head-state.ts), the head state the pipeline gives
 * the detected person that matches it (IoU ≥ 0.5; `no_person` when none does), all at the operating
 * thresholds. Needs sources that label persons (construction-site-safety).
 */
export function headStateAgreement(
  results: readonly ImageResult[],
  thresholds: Partial<Record<Label, number>>,
): HeadStateCounts {
  const zero = (): Record<HeadStateName | 'no_person', number> => ({
    hard_hat: 0,
    bare: 0,
    unknown: 0,
    no_person: 0,
  });
  const counts: HeadStateCounts = { hard_hat: zero(), bare: zero() };
  for (const r of results) {
    const labelled = r.gts.map((g) => ({ label: g.label, score: 1, box: g.box }));
    const seen = r.dets.filter((d) => d.score >= (thresholds[d.label] ?? 1));
    const people = seen.filter((d) => d.label === 'person');
    const states = attachPpe(
      people.map((p, id) => ({ id, box: p.box, score: p.score })),
      seen,
    );
    const used = new Set<number>();
    for (const g of r.gts) {
      if (g.label !== 'person') continue;
      const truth = headState(g.box, labelled).state;
      if (truth === 'unknown') continue;
      let best = -1;
      let bestIou = 0.5;
      people.forEach((p, i) => {
        const v = iou(p.box, g.box);
        if (!used.has(i) && v >= bestIou) [best, bestIou] = [i, v];
      });
      if (best >= 0) used.add(best);
      counts[truth][best >= 0 ? states[best]!.head.state : 'no_person']++;
    }
  }
  return counts;
}

export function formatHeadStates(c: HeadStateCounts): string {
  const row = (k: 'hard_hat' | 'bare') => {
    const r = c[k];
    const n = r.hard_hat + r.bare + r.unknown + r.no_person;
    return `${k} ${n}: → hard_hat ${r.hard_hat}, bare ${r.bare}, unknown ${r.unknown}, person not found ${r.no_person}`;
  };
  return `  head state per labelled person 每人头部状态 (operating thresholds): ${row('bare')}; ${row('hard_hat')}`;
}
