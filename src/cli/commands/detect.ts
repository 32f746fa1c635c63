import { AppError } from '../../platform/shared/errors.ts';
import { readImageRgb } from '../../vision/detect/image-file.ts';
import { DetectionPipeline } from '../../vision/detect/pipeline.ts';
import { defaultDetectConfig, parseInputSize } from '../../vision/detect/settings.ts';
import type { Detection } from '../../vision/detect/types.ts';
import type { Command } from '../commands.ts';

const USAGE =
  '检测图片中的人员、安全帽、反光衣、烟火 (detect people, helmets, vests, fire and smoke in images)\n' +
  'usage: jianhu detect [--model NAME]... [--models-dir DIR] [--threads N] [--input-size N] [--json] IMAGE...\n' +
  '  --model NAME   a model from models/manifest.json (repeatable; default: YOLOX-Nano + project models)\n' +
  '  --input-size N input side of YOLOX-Nano and its heads (default 416, as the service; larger finds smaller heads)\n' +
  '  --json         one JSON line per image: {"image","width","height","ms","detections":[{"label","score","box"}]}\n' +
  'Every image is tried; a failed image prints an error line on stderr and the exit code is 2.\n';

interface Args {
  models: string[];
  modelsDir?: string;
  threads?: number;
  inputSize?: number;
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

function formatDetection(d: Detection) {
  return { label: d.label, score: round(d.score, 4), box: d.box.map((v) => round(v, 1)) };
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
    let pipeline: DetectionPipeline;
    try {
      pipeline = await DetectionPipeline.create({
        models: parsed.models.length > 0 ? parsed.models : cfg.models,
        modelsDir: parsed.modelsDir ?? cfg.modelsDir,
        threads: parsed.threads ?? cfg.threads,
        overrides: cfg.overrides,
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
          const line = parsed.json
            ? JSON.stringify({
                image: path,
                width: image.width,
                height: image.height,
                ms,
                detections: detections.map(formatDetection),
              })
            : `${path} ${image.width}x${image.height} ${ms} ms: ` +
              (detections.map((d) => `${d.label} ${d.score.toFixed(2)}`).join(', ') || '(none 无)');
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
