/**
 * Runs detectors over a labelled image set and computes the report `jianhu eval` prints (and the
 * model cards quote): AP@0.5 per class, precision/recall at the shipped thresholds, a confusion
 * summary, and, for fire/smoke, the frame-level decision (any fire/smoke box ≥ threshold).
 */
import type { Detection, Label } from '../../vision/detect/types.ts';
import type { LabelledImage } from './eval-data.ts';
import {
  averagePrecision,
  confusion,
  frameRates,
  matchImage,
  precisionRecallAt,
  type Matched,
} from './eval-metrics.ts';

export interface EvalOptions {
  /** labels to score (those the models emit and the dataset labels) */
  labels: Label[];
  /** shipped per-label thresholds */
  thresholds: Partial<Record<Label, number>>;
  /** labels whose presence makes a frame "positive" for the frame-level decision */
  frameLabels?: Label[];
  /** shipped frame-level threshold on the highest frame-label score */
  frameThreshold?: number;
}

export interface ClassReport {
  label: Label;
  gts: number;
  ap: number;
  threshold: number;
  precision: number;
  recall: number;
}
export interface EvalReport {
  images: number;
  classes: ClassReport[];
  confusion: [string, number][];
  frame?: { positives: number; negatives: number; threshold: number; recall: number; fpRate: number };
  msPerImage: number;
}

export async function evaluate(
  images: readonly LabelledImage[],
  detect: (file: string) => Promise<Detection[]>,
  o: EvalOptions,
  progress?: (done: number) => void,
): Promise<EvalReport> {
  const matched = new Map<Label, Matched[]>(o.labels.map((l) => [l, []]));
  const nGt = new Map<Label, number>(o.labels.map((l) => [l, 0]));
  const conf = new Map<string, number>();
  const frames: { positive: boolean; score: number }[] = [];
  let ms = 0;
  for (const [i, img] of images.entries()) {
    const t0 = performance.now();
    const all = (await detect(img.file)).filter((d) => o.labels.includes(d.label));
    ms += performance.now() - t0;
    const gts = img.gts.filter((g) => o.labels.includes(g.label));
    for (const l of o.labels) {
      matched.get(l)?.push(...matchImage(all, gts, l));
      nGt.set(l, (nGt.get(l) ?? 0) + gts.filter((g) => g.label === l).length);
    }
    const kept = all.filter((d) => d.score >= (o.thresholds[d.label] ?? 1));
    confusion(kept, gts, conf);
    if (o.frameLabels) {
      const fl = o.frameLabels;
      const score = Math.max(0, ...all.filter((d) => fl.includes(d.label)).map((d) => d.score));
      frames.push({ positive: gts.some((g) => fl.includes(g.label)), score });
    }
    progress?.(i + 1);
  }
  const classes = o.labels.map((label) => {
    const m = matched.get(label) ?? [];
    const n = nGt.get(label) ?? 0;
    const threshold = o.thresholds[label] ?? 1;
    return { label, gts: n, ap: averagePrecision(m, n), threshold, ...precisionRecallAt(m, n, threshold) };
  });
  const report: EvalReport = {
    images: images.length,
    classes,
    confusion: [...conf.entries()].sort((a, b) => a[0].localeCompare(b[0])),
    msPerImage: images.length ? ms / images.length : 0,
  };
  if (o.frameLabels && o.frameThreshold !== undefined) {
    const r = frameRates(frames, o.frameThreshold);
    report.frame = {
      positives: frames.filter((f) => f.positive).length,
      negatives: frames.filter((f) => !f.positive).length,
      threshold: o.frameThreshold,
      ...r,
    };
  }
  return report;
}

const f3 = (v: number): string => (Number.isNaN(v) ? '  n/a' : v.toFixed(3));

export function formatReport(r: EvalReport): string {
  const lines = [
    `images 图像: ${r.images}   ms/image 每张耗时: ${r.msPerImage.toFixed(1)}`,
    'class 类别   GT 标注  AP@0.5  thr 阈值  precision 精确率  recall 召回率',
    ...r.classes.map(
      (c) =>
        `${c.label.padEnd(10)} ${String(c.gts).padStart(7)}  ${f3(c.ap)}   ${c.threshold.toFixed(2)}      ${f3(c.precision)}          ${f3(c.recall)}`,
    ),
    'confusion 混淆 (GT → detected at shipped thresholds, IoU ≥ 0.5):',
    ...r.confusion.map(([k, n]) => `  ${k}: ${n}`),
  ];
  if (r.frame)
    lines.push(
      `frame-level 帧级判定 (thr ${r.frame.threshold.toFixed(2)}): recall 召回率 ${f3(r.frame.recall)} on ${r.frame.positives} positive frames, ` +
        `false-positive rate 误报率 ${f3(r.frame.fpRate)} on ${r.frame.negatives} negative frames`,
    );
  return lines.join('\n');
}
