/**
 * `jianhu eval` (no dataset): every PPE model on every labelled source, in-source and held-out-source
 * (eval-summary.ts). `jianhu eval --dataset DIR --format voc|yolo`: runs the detection pipeline of `jianhu detect` on
 * every labelled image under DIR and prints AP@0.5 per class, precision/recall at the shipped
 * thresholds, a confusion summary and (fire/smoke) the frame-level decision.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import sharp from 'sharp';
import { readImageRgb } from '../../vision/detect/image-file.ts';
import { loadManifest, PROJECT_ROOT, type ModelEntry } from '../../vision/detect/manifest.ts';
import { DetectionPipeline, defaultModelNames } from '../../vision/detect/pipeline.ts';
import { classThresholds } from '../../vision/detect/plugins/ppe-yolox-head.ts';
import { defaultDetectConfig, parseInputSize, parseMinScore } from '../../vision/detect/settings.ts';
import { LABELS, type Label } from '../../vision/detect/types.ts';
import { AppError } from '../../platform/shared/errors.ts';
import type { Command } from '../commands.ts';
import { DEFAULT_CLASS_MAP, readLabelledFolder } from './eval-data.ts';
import { formatCropRates, vestCropAccuracy } from './eval-crops.ts';
import { evaluate, formatReport } from './eval-run.ts';
import { PPE_MODELS } from './eval-sources.ts';
import { formatSummary, runSummary, type SummaryOptions } from './eval-summary.ts';

const USAGE =
  '在标注数据集上评估检测模型 (score the detectors on a labelled dataset: precision, recall, AP)\n' +
  'usage: jianhu eval [--limit N] [--model NAME,...] [--min-score S] [--input-size N] [--json]\n' +
  '  with no --dataset: each PPE model (ppe-hardhat, ppe-vest, opt-in ppe-vest-head; --model picks some)\n' +
  '  on each source under ../shared/datasets,\n' +
  '  labelled in-source (test split of a source it trained on) or held-out-source (a source it never saw);\n' +
  '  AP at IoU 0.3 and 0.5 down to --min-score (default 0.05), precision/recall at the operating\n' +
  '  thresholds, bare heads found / called helmet / missed. --limit N: at most N images per set (quick look)\n' +
  '   or: jianhu eval --dataset DIR --format voc|yolo [--list FILE] [--model NAME]... [--labels a,b] [--map name=label,...] [--input-size N] [--json]\n' +
  '  --list FILE   only the images named in FILE (one path a line, relative to the project root)\n' +
  '  --input-size N input side of YOLOX-Nano and its heads (default 416, as the service and the model cards)\n' +
  '  --labels      labels to score (default: those both the dataset and the models have, except person)\n' +
  '  --map         extra dataset class name → label mappings, e.g. --map hat=helmet,no_hat=head\n';

interface Args {
  dataset: string;
  format: 'voc' | 'yolo';
  list?: string;
  models: string[];
  labels?: Label[];
  map: Record<string, Label | null>;
  json: boolean;
  inputSize?: number;
}

export function parseEvalArgs(argv: string[]): Args | string {
  let dataset: string | undefined;
  let format: string | undefined;
  const out: Omit<Args, 'dataset' | 'format'> = { models: [], map: { ...DEFAULT_CLASS_MAP }, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const v = (): string => argv[++i] ?? '';
    if (a === '--dataset') dataset = v();
    else if (a === '--format') format = v();
    else if (a === '--list') out.list = v();
    else if (a === '--model') out.models.push(...v().split(',').filter(Boolean));
    else if (a === '--json') out.json = true;
    else if (a === '--input-size') {
      const n = parseInputSize(v());
      if (typeof n === 'string') return n;
      out.inputSize = n;
    } else if (a === '--labels') {
      const ls = v().split(',').filter(Boolean);
      const bad = ls.find((l) => !(LABELS as readonly string[]).includes(l));
      if (bad || ls.length === 0)
        return `--labels: unknown label ${bad ?? '(none)'} (known: ${LABELS.join(', ')})`;
      out.labels = ls as Label[];
    } else if (a === '--map') {
      for (const pair of v().split(',').filter(Boolean)) {
        const [k, l] = pair.split('=');
        if (!k || !l || !(LABELS as readonly string[]).includes(l)) return `--map: bad pair "${pair}"`;
        out.map[k.toLowerCase()] = l as Label;
      }
    } else return `unknown option ${a}`;
  }
  if (!dataset) return '--dataset is required';
  if (format !== 'voc' && format !== 'yolo') return '--format must be voc or yolo';
  return { ...out, dataset, format };
}

const sizeOf = async (f: string): Promise<{ width: number; height: number }> => {
  const m = await sharp(f).metadata();
  return { width: m.width ?? 0, height: m.height ?? 0 };
};

export function parseSummaryArgs(argv: string[]): (SummaryOptions & { json: boolean }) | string {
  const out: SummaryOptions & { json: boolean } = { minScore: 0.05, ious: [0.3, 0.5], json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const v = (): string | undefined => argv[++i];
    if (a === '--json') out.json = true;
    else if (a === '--limit') {
      const n = Number(v());
      if (!Number.isInteger(n) || n < 1) return '--limit needs a whole number ≥ 1';
      out.limit = n;
    } else if (a === '--min-score') {
      const n = parseMinScore(v());
      if (typeof n === 'string') return n;
      out.minScore = n;
    } else if (a === '--input-size') {
      const n = parseInputSize(v());
      if (typeof n === 'string') return n;
      out.inputSize = n;
    } else if (a === '--model') {
      const names = (v() ?? '').split(',').filter(Boolean);
      const bad = names.find((n) => !PPE_MODELS.some((m) => m.name === n));
      if (bad || names.length === 0)
        return `--model: unknown PPE model ${bad ?? '(none)'} (known: ${PPE_MODELS.map((m) => m.name).join(', ')})`;
      out.models = names;
    } else
      return `unknown option ${a} (without --dataset: --limit, --model, --min-score, --input-size, --json)`;
  }
  return out;
}

async function summaryCommand(argv: string[]): Promise<number> {
  const o = parseSummaryArgs(argv);
  if (typeof o === 'string') {
    process.stderr.write(`jianhu eval: ${o}\n${USAGE}`);
    return 2;
  }
  try {
    const s = await runSummary(o, (line) => !o.json && process.stderr.write(`${line}\n`));
    process.stdout.write(o.json ? `${JSON.stringify(s)}\n` : `${formatSummary(s)}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(
      `jianhu eval: ${e instanceof AppError ? `${e.code}: ` : ''}${(e as Error).message}\n`,
    );
    return e instanceof AppError && e.status === 400 ? 2 : 1;
  }
}

export const evalCommand: Command = {
  summary:
    'measure the detectors 评估模型: with no --dataset every PPE model on every source (in-source and held-out), else one labelled folder',
  usage: USAGE,
  async run(argv) {
    if (!argv.includes('--dataset')) return summaryCommand(argv);
    const args = parseEvalArgs(argv);
    if (typeof args === 'string') {
      process.stderr.write(`jianhu eval: ${args}\n${USAGE}`);
      return 2;
    }
    if (!existsSync(args.dataset) || !statSync(args.dataset).isDirectory()) {
      process.stderr.write(
        `jianhu eval: JH_ERR_EVAL_DATASET: no such folder 数据集目录不存在: ${args.dataset}\n`,
      );
      return 2;
    }
    let images = await readLabelledFolder(args.dataset, args.format, sizeOf, args.map);
    if (args.list) {
      if (!existsSync(args.list)) {
        process.stderr.write(
          `jianhu eval: JH_ERR_EVAL_LIST: no such list file 列表文件不存在: ${args.list}\n`,
        );
        return 2;
      }
      const wanted = new Set(
        readFileSync(args.list, 'utf8')
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .map((l) => (isAbsolute(l) ? l : resolve(PROJECT_ROOT, l))),
      );
      images = images.filter((i) => wanted.has(resolve(i.file)));
    }
    if (images.length === 0) {
      process.stderr.write(
        `jianhu eval: JH_ERR_EVAL_EMPTY: no labelled images 没有带标注的图像 in ${args.dataset} (${args.format})\n`,
      );
      return 2;
    }
    const cfg = defaultDetectConfig();
    const inputSize = args.inputSize ?? cfg.inputSize;
    const manifest = loadManifest();
    const names = args.models.length > 0 ? args.models : (cfg.models ?? defaultModelNames(manifest));
    const entries = manifest.models.filter((m) => names.includes(m.name));
    // see every detection (score ≥ 0.01) for AP; shipped thresholds are applied when scoring
    const overrides = Object.fromEntries(
      entries.map((e) => [e.name, { ...(cfg.overrides?.[e.name] ?? {}), score: 0.01 }]),
    );
    let pipeline: DetectionPipeline;
    try {
      pipeline = await DetectionPipeline.create({
        models: names,
        modelsDir: cfg.modelsDir,
        threads: cfg.threads,
        overrides,
        manifest,
        inputSize,
      });
    } catch (e) {
      process.stderr.write(
        `jianhu eval: cannot load models 无法加载模型: ${e instanceof AppError ? `${e.code}: ` : ''}${(e as Error).message}\n`,
      );
      return e instanceof AppError && e.status === 400 ? 2 : 1;
    }
    const datasetLabels = new Set(images.flatMap((i) => i.gts.map((g) => g.label)));
    // a fire/smoke set scores both labels (its negative frames have no boxes at all)
    const fireSet = datasetLabels.has('fire') || datasetLabels.has('smoke');
    const labels =
      args.labels ??
      pipeline.labels.filter(
        (l) => l !== 'person' && (datasetLabels.has(l) || (fireSet && (l === 'fire' || l === 'smoke'))),
      );
    const thresholds = shippedThresholds(entries, labels);
    // the frame-level decision of the model whose frame labels are scored (fire-smoke: fire, smoke; arc: arc)
    const frameLabelsOf = (e: (typeof entries)[number]): Label[] =>
      (e.options?.frameLabels as Label[] | undefined) ?? ['fire', 'smoke'];
    const frameEntry = entries.find(
      (e) =>
        typeof e.options?.frameThreshold === 'number' && frameLabelsOf(e).some((l) => labels.includes(l)),
    );
    const frame = !!frameEntry;
    try {
      const report = await evaluate(
        images,
        async (f) => pipeline.detect(await readImageRgb(f)),
        {
          labels,
          thresholds,
          ...(frame
            ? {
                frameLabels: frameLabelsOf(frameEntry),
                frameThreshold: frameEntry.options?.frameThreshold as number,
              }
            : {}),
        },
        (n) => {
          if (!args.json && n % 25 === 0) process.stderr.write(`  ${n}/${images.length}\n`);
        },
      );
      // the vest target is stated on torso crops: score them too when the set labels torsos
      const vestEntry = entries.find((e) => e.plugin === 'own-vest-classifier');
      const crops =
        vestEntry &&
        names.includes('yolox-nano-coco') &&
        (datasetLabels.has('vest') || datasetLabels.has('no_vest'))
          ? await vestCropAccuracy(images, vestEntry, {
              modelsDir: cfg.modelsDir,
              threads: cfg.threads,
              inputSize,
            })
          : undefined;
      process.stdout.write(
        args.json
          ? `${JSON.stringify(crops ? { ...report, crops } : report)}\n`
          : `models 模型: ${pipeline.names.join(', ')}\n${formatReport(report)}\n${crops ? `${formatCropRates(crops)}\n` : ''}`,
      );
      return 0;
    } finally {
      await pipeline.close();
    }
  },
};

function shippedThresholds(
  entries: readonly ModelEntry[],
  labels: readonly Label[],
): Partial<Record<Label, number>> {
  const out: Partial<Record<Label, number>> = {};
  for (const e of entries) {
    const own = Object.values(e.classes).filter((l) => labels.includes(l));
    Object.assign(out, classThresholds(e, own, {}));
  }
  return out;
}
