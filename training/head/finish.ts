/**
 * After training: pick per-class thresholds on the validation split, measure the held-back test
 * splits with the same code `jianhu eval` runs, and record the model in models/manifest.json.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import type { LabelledImage } from '../../src/cli/commands/eval-data.ts';
import { bestF1Threshold, matchImage, type Matched } from '../../src/cli/commands/eval-metrics.ts';
import {
  evaluate,
  formatReport,
  type EvalOptions,
  type EvalReport,
} from '../../src/cli/commands/eval-run.ts';
import { MANIFEST_PATH, PROJECT_ROOT, type ModelEntry } from '../../src/vision/detect/manifest.ts';
import { OwnYoloxHeadDetector } from '../../src/vision/detect/plugins/ppe-yolox-head.ts';
import type { Detection, Label, RgbImage } from '../../src/vision/detect/types.ts';

export async function readRgb(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(file)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** A detector for `entry` that reports everything above 0.01 (for AP and threshold choice). */
export async function lowThresholdDetector(
  entry: ModelEntry,
): Promise<(file: string) => Promise<Detection[]>> {
  const d = new OwnYoloxHeadDetector(entry, {
    modelsDir: '../shared/models',
    threads: 1,
    settings: { score: 0.01 },
  });
  await d.init();
  return async (file) => d.detect(await readRgb(file));
}

export async function chooseThresholds(
  detect: (file: string) => Promise<Detection[]>,
  val: readonly LabelledImage[],
  labels: Label[],
): Promise<{ thresholds: Record<string, number>; valF1: Record<string, number> }> {
  const matched = new Map<Label, Matched[]>(labels.map((l) => [l, []]));
  const n = new Map<Label, number>(labels.map((l) => [l, 0]));
  for (const img of val) {
    const dets = await detect(img.file);
    for (const l of labels) {
      matched.get(l)?.push(...matchImage(dets, img.gts, l));
      n.set(l, (n.get(l) ?? 0) + img.gts.filter((g) => g.label === l).length);
    }
  }
  const thresholds: Record<string, number> = {};
  const valF1: Record<string, number> = {};
  for (const l of labels) {
    const b = bestF1Threshold(matched.get(l) ?? [], n.get(l) ?? 0);
    thresholds[l] = Math.round(Math.max(0.05, b.thr) * 100) / 100;
    valF1[l] = b.f1;
  }
  return { thresholds, valF1 };
}

export async function testReport(
  detect: (file: string) => Promise<Detection[]>,
  name: string,
  images: readonly LabelledImage[],
  o: EvalOptions,
  log: (m: string) => void,
): Promise<EvalReport> {
  const r = await evaluate(images, detect, o);
  log(`--- ${name}\n${formatReport(r)}`);
  return r;
}

/** Adds or replaces our entry in models/manifest.json (the rest of the file is left as it is). */
export function upsertManifest(entry: ModelEntry): void {
  const doc = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as { models: ModelEntry[] };
  const i = doc.models.findIndex((m) => m.name === entry.name);
  if (i >= 0) doc.models[i] = entry;
  else doc.models.push(entry);
  writeFileSync(MANIFEST_PATH, `${compactJson(doc, '')}\n`);
  execFileSync('npx', ['prettier', '--write', MANIFEST_PATH], { cwd: PROJECT_ROOT, stdio: 'ignore' });
}

/** JSON with small objects/arrays on one line (the manifest's existing style, which prettier keeps). */
export function compactJson(v: unknown, indent: string): string {
  const inline = (x: unknown): string =>
    Array.isArray(x)
      ? `[${x.map(inline).join(', ')}]`
      : x && typeof x === 'object'
        ? Object.keys(x).length === 0
          ? '{}'
          : `{ ${Object.entries(x)
              .map(([k, y]) => `${JSON.stringify(k)}: ${inline(y)}`)
              .join(', ')} }`
        : JSON.stringify(x);
  const one = inline(v);
  if (typeof v !== 'object' || v === null || indent.length + one.length <= 76) return one;
  const next = `${indent}  `;
  if (Array.isArray(v)) return `[\n${v.map((x) => next + compactJson(x, next)).join(',\n')}\n${indent}]`;
  const body = Object.entries(v).map(([k, x]) => `${next}${JSON.stringify(k)}: ${compactJson(x, next)}`);
  return `{\n${body.join(',\n')}\n${indent}}`;
}
