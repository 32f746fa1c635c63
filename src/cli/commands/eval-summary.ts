/**
 * `npm run eval` with no dataset: for each PPE model and each labelled source, the figure on that
 * source labelled in-source (the test split of a source the model trained on) or held-out-source (a
 * source it never saw: every non-training photo of it), AP at IoU 0.3 and 0.5 over every detection down
 * to --min-score (default 0.05, as the hidden set is read), precision/recall at the operating
 * thresholds, and what became of the bare heads. A held-out figure for a source the shipped model
 * trained on needs a model retrained without it (leave-one-source-out): printed as not measured.
 */
import { existsSync } from 'node:fs';
import { readImageRgb } from '../../vision/detect/image-file.ts';
import { loadManifest } from '../../vision/detect/manifest.ts';
import { DetectionPipeline } from '../../vision/detect/pipeline.ts';
import { defaultDetectConfig, operatingThresholds, reportDownTo } from '../../vision/detect/settings.ts';
import { formatCropRates, vestCropAccuracy, type CropRates } from './eval-crops.ts';
import type { LabelledImage } from './eval-data.ts';
import {
  bareHeadOutcomes,
  formatBareHeads,
  formatHeadStates,
  formatLabelFigures,
  headStateAgreement,
  labelFigures,
  type BareHeads,
  type HeadStateCounts,
  type ImageResult,
  type LabelFigures,
} from './eval-figures.ts';
import { DATASETS, PPE_MODELS, SOURCES, type PpeModel, type Source } from './eval-sources.ts';

export interface SummaryOptions {
  /** at most this many images per set, evenly spaced (a quick look; the cards quote full runs) */
  limit?: number;
  /** only these PPE models (eval-sources.ts PPE_MODELS names); all when absent */
  models?: readonly string[];
  minScore: number;
  inputSize?: number;
  ious: readonly number[];
}

export interface SummaryRow {
  model: string;
  source: string;
  kind: 'in-source' | 'held-out-source';
  /** which images: the test split, or every non-training photo of a held-out source */
  set: 'test' | 'valid+test';
  helmetBox: Source['helmetBox'];
  headBox: Source['headBox'];
  images: number;
  classes: LabelFigures[];
  bareHeads?: BareHeads;
  /** per labelled person: labelled head state → the pipeline's (sources that label persons) */
  headStates?: HeadStateCounts;
  /** the vest model's torso-crop accuracy (the figure its target is stated in; eval-crops.ts) */
  crops?: CropRates;
}

export interface Summary {
  minScore: number;
  rows: SummaryRow[];
  notMeasured: { model: string; source: string; why: string }[];
}

/** `n` evenly spaced items (all when n ≥ length); deterministic. */
const evenly = <T>(list: readonly T[], n: number | undefined): T[] =>
  n === undefined || n >= list.length
    ? [...list]
    : Array.from({ length: n }, (_, k) => list[Math.floor((k * list.length) / n)] as T);

interface Run {
  pipeline: DetectionPipeline;
  thresholds: ReturnType<typeof operatingThresholds>;
  crops?: (images: readonly LabelledImage[]) => Promise<CropRates>;
}

async function measure(
  model: PpeModel,
  source: Source,
  { pipeline, thresholds, crops }: Run,
  o: SummaryOptions,
  progress: (line: string) => void,
): Promise<SummaryRow> {
  const inSource = model.trainedOn.includes(source.name);
  const all: LabelledImage[] = inSource ? await source.test() : await source.heldOut();
  const images = evenly(all, o.limit);
  const results: ImageResult[] = [];
  for (const [i, img] of images.entries()) {
    const dets = await pipeline.detect(await readImageRgb(img.file));
    results.push({ dets, gts: img.gts });
    if ((i + 1) % 50 === 0) progress(`  ${model.name} ${source.name} ${i + 1}/${images.length}`);
  }
  const labels = model.labels.filter((l) => source.labels.includes(l));
  return {
    model: model.name,
    source: source.name,
    kind: inSource ? 'in-source' : 'held-out-source',
    set: inSource ? 'test' : 'valid+test',
    helmetBox: source.helmetBox,
    headBox: source.headBox,
    images: images.length,
    classes: labelFigures(results, labels, thresholds, o.ious),
    ...(labels.includes('head') ? { bareHeads: bareHeadOutcomes(results, thresholds, 0.3) } : {}),
    ...(labels.includes('head') &&
    source.labels.includes('person') &&
    model.pipeline.includes('yolox-nano-coco')
      ? { headStates: headStateAgreement(results, thresholds) }
      : {}),
    ...(crops ? { crops: await crops(images) } : {}),
  };
}

export async function runSummary(o: SummaryOptions, progress: (line: string) => void): Promise<Summary> {
  const cfg = defaultDetectConfig();
  const manifest = loadManifest();
  const summary: Summary = { minScore: o.minScore, rows: [], notMeasured: [] };
  for (const model of PPE_MODELS.filter((m) => !o.models || o.models.includes(m.name))) {
    const sources = SOURCES.filter(
      (s) => existsSync(`${DATASETS}/${s.name}`) && s.labels.some((l) => model.labels.includes(l)),
    );
    if (sources.length === 0) continue;
    const entries = manifest.models.filter((m) => model.pipeline.includes(m.name));
    const thresholds = operatingThresholds(entries, cfg.overrides ?? {});
    const pipeline = await DetectionPipeline.create({
      models: model.pipeline,
      modelsDir: cfg.modelsDir,
      threads: cfg.threads,
      overrides: reportDownTo(model.pipeline, o.minScore, cfg.overrides ?? {}),
      manifest,
      inputSize: o.inputSize ?? cfg.inputSize,
    });
    const vest = entries.find((e) => e.plugin === 'own-vest-classifier');
    const ctx = { modelsDir: cfg.modelsDir, threads: cfg.threads, inputSize: o.inputSize ?? cfg.inputSize };
    const run: Run = {
      pipeline,
      thresholds,
      ...(vest ? { crops: (images: readonly LabelledImage[]) => vestCropAccuracy(images, vest, ctx) } : {}),
    };
    try {
      for (const source of sources) {
        summary.rows.push(await measure(model, source, run, o, progress));
        if (model.trainedOn.includes(source.name))
          summary.notMeasured.push({
            model: model.name,
            source: source.name,
            why: `held-out-source needs ${model.name} retrained without ${source.name} (leave-one-source-out)`,
          });
      }
    } finally {
      await pipeline.close();
    }
  }
  return summary;
}

export function formatSummary(s: Summary): string {
  const ious = s.rows[0]?.classes[0]?.at.map((a) => a.iou) ?? [];
  const head =
    `  class       GT   ${ious.map((i) => `AP@${i}`).join('  ')}   thr    ` +
    ious.map((i) => `P / R @${i}`).join('        ');
  const lines = [
    `AP over every detection down to --min-score ${s.minScore}; precision / recall at the operating thresholds`,
    `(AP 在最低分数 ${s.minScore} 以上的全部检测上计算; 精确率/召回率按运行阈值)`,
  ];
  for (const r of s.rows) {
    lines.push(
      '',
      `${r.model} on ${r.source} — ${r.kind === 'in-source' ? 'in-source 同源' : 'held-out-source 异源'} ` +
        `(${r.set}, ${r.images} images; its boxes: helmet = ${r.helmetBox}, bare head = ${r.headBox})`,
      head,
      ...r.classes.map(formatLabelFigures),
    );
    if (r.bareHeads) lines.push(formatBareHeads(r.bareHeads));
    if (r.headStates) lines.push(formatHeadStates(r.headStates));
    if (r.crops) lines.push(`  ${formatCropRates(r.crops)}`);
  }
  if (s.notMeasured.length > 0)
    lines.push(
      '',
      'not measured 未测:',
      ...s.notMeasured.map((n) => `  ${n.model} held-out on ${n.source}: ${n.why}`),
    );
  return lines.join('\n');
}
