import { AppError } from '../../platform/shared/errors.ts';
import { readImageRgb } from '../../vision/detect/image-file.ts';
import { loadManifest } from '../../vision/detect/manifest.ts';
import { DetectionPipeline, defaultModelNames } from '../../vision/detect/pipeline.ts';
import {
  defaultDetectConfig,
  operatingThresholds,
  parseInputSize,
  parseMinScore,
  reportDownTo,
} from '../../vision/detect/settings.ts';
import type { Detection, Label } from '../../vision/detect/types.ts';
import type { HeadState } from '../../vision/track/head-state.ts';
import { attachPpe } from '../../vision/track/ppe.ts';
import type { Command } from '../commands.ts';

const USAGE =
  '检测图片中的人员、安全帽、反光衣、烟火 (detect people, helmets, vests, fire and smoke in images)\n' +
  'usage: jianhu detect [--model NAME]... [--models-dir DIR] [--threads N] [--input-size N] [--min-score S] [--json] IMAGE...\n' +
  '  --model NAME   a model from models/manifest.json (repeatable; default: YOLOX-Nano + project models)\n' +
  '  --input-size N input side of YOLOX-Nano and its heads (default 416, as the service; larger finds smaller heads)\n' +
  '  --min-score S  report every label down to score S (0.01–1), to read AP over the whole score range\n' +
  '                 (default: the operating thresholds of models/manifest.json, what the rules see)\n' +
  '  --json         one JSON line per image: {"image","width","height","ms","detections":[{"label","score","box"}]};\n' +
  '                 each person also has "head": {"state":"hard_hat"|"bare"|"unknown","score","headBox"},\n' +
  '                 decided as the rules decide, from boxes at the operating thresholds whatever --min-score\n' +
  'Every image is tried; a failed image prints an error line on stderr and the exit code is 2.\n';

interface Args {
  models: string[];
  modelsDir?: string;
  threads?: number;
  inputSize?: number;
  minScore?: number;
  json: boolean;
  images: string[];
}

function parseArgs(args: string[]): Args | string {
  const out: Args = { models: [], json: false, images: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string | undefined => args[++i];
    if (a === '--json') out.json = true;
    else if (a === '--model') {
      const v = value();
      if (!v) return '--model needs a name';
      out.models.push(...v.split(',').filter(Boolean));
    } else if (a === '--models-dir') {
      const v = value();
      if (!v) return '--models-dir needs a directory';
      out.modelsDir = v;
    } else if (a === '--threads') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 16) return '--threads needs an integer 1..16';
      out.threads = n;
    } else if (a === '--input-size') {
      const n = parseInputSize(value());
      if (typeof n === 'string') return n;
      out.inputSize = n;
    } else if (a === '--min-score') {
      const n = parseMinScore(value());
      if (typeof n === 'string') return n;
      out.minScore = n;
    } else if (a === '--') {
      out.images.push(...args.slice(i + 1));
      break;
    } else if (a.startsWith('--')) return `unknown option ${a}`;
    else out.images.push(a);
  }
  if (out.images.length === 0) return 'no image given';
  return out;
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

const roundBox = (b: readonly number[]): number[] => b.map((v) => round(v, 1));

function formatDetection(d: Detection, head?: HeadState) {
  const out = { label: d.label, score: round(d.score, 4), box: roundBox(d.box) };
  if (!head) return out;
  const h = { state: head.state, score: round(head.score, 4) };
  return { ...out, head: head.headBox ? { ...h, headBox: roundBox(head.headBox) } : h };
}

/**
 * Each person's head state, one-to-one as the violation rules get it (track/ppe.ts attachPpe), from the
 * boxes that reach the operating thresholds (so --min-score does not change it).
 */
function headStates(
  detections: readonly Detection[],
  operating: Partial<Record<Label, number>>,
): Map<Detection, HeadState> {
  const people = detections.filter((d) => d.label === 'person');
  const seen = detections.filter((d) => d.score >= (operating[d.label] ?? 0));
  const attached = attachPpe(
    people.map((p, id) => ({ id, box: p.box, score: p.score })),
    seen,
  );
  return new Map(people.map((p, i) => [p, attached[i]!.head]));
}

function describe(e: unknown): string {
  if (e instanceof AppError) return `${e.code}: ${e.message}`;
  return (e as Error).message;
}

export const detectCommand: Command = {
  summary: 'run the detectors on image files 对图像运行检测 (--json: one line per image)',
  usage: USAGE,
  async run(argv) {
    const parsed = parseArgs(argv);
    if (typeof parsed === 'string') {
      process.stderr.write(`jianhu detect: ${parsed}\n${USAGE}`);
      return 2;
    }
    const cfg = defaultDetectConfig();
    const manifest = loadManifest();
    const names = parsed.models.length > 0 ? parsed.models : (cfg.models ?? defaultModelNames(manifest));
    const overrides = cfg.overrides ?? {};
    const operating = operatingThresholds(
      manifest.models.filter((m) => names.includes(m.name)),
      overrides,
    );
    let pipeline: DetectionPipeline;
    try {
      pipeline = await DetectionPipeline.create({
        models: names,
        modelsDir: parsed.modelsDir ?? cfg.modelsDir,
        threads: parsed.threads ?? cfg.threads,
        overrides:
          parsed.minScore === undefined ? overrides : reportDownTo(names, parsed.minScore, overrides),
        manifest,
        inputSize: parsed.inputSize ?? cfg.inputSize,
      });
    } catch (e) {
      process.stderr.write(`jianhu detect: cannot load models 无法加载模型: ${describe(e)}\n`);
      return e instanceof AppError && e.status === 400 ? 2 : 1;
    }
    let failed = 0;
    try {
      for (const path of parsed.images) {
        try {
          const image = await readImageRgb(path);
          const t0 = performance.now();
          const detections = await pipeline.detect(image);
          const ms = round(performance.now() - t0, 1);
          const heads = headStates(detections, operating);
          const line = parsed.json
            ? JSON.stringify({
                image: path,
                width: image.width,
                height: image.height,
                ms,
                detections: detections.map((d) => formatDetection(d, heads.get(d))),
              })
            : `${path} ${image.width}x${image.height} ${ms} ms: ` +
              (detections
                .map((d) => {
                  const h = heads.get(d);
                  const head = h && h.state !== 'unknown' ? ` (${h.state} ${h.score.toFixed(2)})` : '';
                  return `${d.label} ${d.score.toFixed(2)}${head}`;
                })
                .join(', ') || '(none 无)');
          process.stdout.write(`${line}\n`);
        } catch (e) {
          failed++;
          process.stderr.write(`jianhu detect: ${path}: ${describe(e)}\n`);
        }
      }
    } finally {
      await pipeline.close();
    }
    return failed > 0 ? 2 : 0;
  },
};
