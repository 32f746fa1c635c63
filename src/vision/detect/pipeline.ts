import { DetectErrors } from './errors.ts';
import {
  findModel,
  loadManifest,
  withSiteModels,
  type Manifest,
  type ModelEntry,
  type SiteModelFile,
} from './manifest.ts';
import { builtinPlugins } from './plugins/index.ts';
import { assertImage } from './preprocess.ts';
import type { PluginRegistry } from './registry.ts';
import type { Detection, Detector, FrameContext, Label, RgbImage } from './types.ts';
import { nms } from './yolox-decode.ts';
import { backboneGroups, SharedBackboneDetector } from './plugins/shared-backbone.ts';

export interface PipelineOptions {
  /** model names from the manifest; default: `defaultModelNames(manifest)` */
  models?: readonly string[];
  modelsDir: string;
  threads: number;
  /** per-model settings, e.g. { "yolox-nano-coco": { score: 0.35 } } */
  overrides?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  manifest?: Manifest;
  registry?: PluginRegistry;
  /**
   * Run heads trained on a frozen backbone (manifest `options.sharedBackbone`) merged with that
   * backbone's model: one backbone pass per frame instead of one per model. Default true.
   */
  shareBackbone?: boolean;
  /**
   * Run a head with manifest `options.runWhen` (the hard hat: `["person"]`) only on frames where its
   * backbone's base model found one of those labels (plugins/shared-backbone.ts). Default true; false
   * merges it like the others (every frame), as before.
   */
  gateHeads?: boolean;
  /**
   * Input side for YOLOX-Nano and the heads on its backbone (default: the manifest's, 416). Larger
   * finds smaller heads and people at more CPU: detect.inputSize in src/vision/detect/config.schema.ts.
   */
  inputSize?: number;
  /**
   * Per-site versions made by `jianhu adapt` (src/vision/adapt), by model name: loaded instead of the
   * shipped file, verified against the sha256 recorded when the version was adopted.
   */
  siteModels?: Readonly<Record<string, SiteModelFile>>;
}

/**
 * The manifest with `size` as the input side of every backbone some head shares (YOLOX-Nano) and of
 * those heads: they are fully convolutional and fed at a fitted input (onnx-dynamic-input.ts), so
 * only the preprocessing scale changes. Other models (the light person detector, stage-2 crops) keep
 * theirs. Pure.
 */
export function withInputSize(manifest: Manifest, size: number | undefined): Manifest {
  if (size === undefined) return manifest;
  const bases = new Set(
    manifest.models.map((m) => m.options?.sharedBackbone).filter((b) => typeof b === 'string'),
  );
  const resized = (m: ModelEntry) =>
    m.stage === 1 && (bases.has(m.name) || bases.has(m.options?.sharedBackbone as string));
  return {
    ...manifest,
    models: manifest.models.map((m) =>
      resized(m) ? { ...m, input: { ...m.input, width: size, height: size } } : m,
    ),
  };
}

/**
 * The detectors flagged `defaultPipeline` (YOLOX-Nano and our own trained ones); an opt-in model such as
 * ppe-hardhat-crops runs only when `detect.models` names it.
 */
export function defaultModelNames(manifest: Manifest): string[] {
  return manifest.models.filter((m) => m.stage >= 1 && m.defaultPipeline).map((m) => m.name);
}

/**
 * Stage 1 (whole-frame detectors, e.g. YOLOX-Nano: person, phone) then stage 2 (plugins that get the
 * stage-1 detections as `context`, e.g. hard hat / vest on people); one Detection[] in source pixels.
 * A pipeline is single-threaded: the scheduler runs one per inference worker.
 */
export class DetectionPipeline {
  private constructor(
    readonly stage1: readonly Detector[],
    readonly stage2: readonly Detector[],
  ) {}

  get labels(): Label[] {
    return [...new Set([...this.stage1, ...this.stage2].flatMap((d) => d.labels))];
  }

  get names(): string[] {
    return [...this.stage1, ...this.stage2].flatMap((d) =>
      d instanceof SharedBackboneDetector ? d.members : [d.name],
    );
  }

  static async create(opts: PipelineOptions): Promise<DetectionPipeline> {
    const manifest = withSiteModels(
      withInputSize(opts.manifest ?? loadManifest(), opts.inputSize),
      opts.siteModels,
    );
    const registry = opts.registry ?? builtinPlugins();
    const names = opts.models && opts.models.length > 0 ? opts.models : defaultModelNames(manifest);
    const entries: ModelEntry[] = names.map((n) => findModel(manifest, n));
    for (const e of entries)
      if (e.stage === 0)
        throw DetectErrors.modelUnknown(
          { name: e.name },
          `model ${e.name} is not a detector (stage 0, e.g. a re-id embedder) 该模型不是检测器`,
        );
    const make = (e: ModelEntry) =>
      registry.create(e, {
        modelsDir: opts.modelsDir,
        threads: opts.threads,
        settings: opts.overrides?.[e.name] ?? {},
      });
    const settingsOf = (e: ModelEntry) => opts.overrides?.[e.name] ?? {};
    const stage1Entries = entries.filter((e) => e.stage === 1);
    const groups =
      opts.shareBackbone === false
        ? new Map<string, string[]>()
        : backboneGroups(stage1Entries, (e) => registry.decoderFor(e, {}) !== undefined);
    const grouped = new Set([...groups].flatMap(([b, hs]) => [b, ...hs]));
    const member = (name: string) => {
      const entry = findModel(manifest, name);
      return { entry, decoder: registry.decoderFor(entry, settingsOf(entry))! };
    };
    const stage1: Detector[] = [
      ...[...groups].map(
        ([b, hs]) =>
          new SharedBackboneDetector(member(b), hs.map(member), {
            modelsDir: opts.modelsDir,
            threads: opts.threads,
            gate: opts.gateHeads,
          }),
      ),
      ...stage1Entries.filter((e) => !grouped.has(e.name)).map(make),
    ];
    const stage2 = entries.filter((e) => e.stage === 2).map(make);
    const pipeline = new DetectionPipeline(stage1, stage2);
    try {
      for (const d of [...stage1, ...stage2]) await d.init();
    } catch (e) {
      await pipeline.close();
      throw e;
    }
    return pipeline;
  }

  /**
   * Work done and spared since load, summed over the detectors (`Detector.counts`): e.g.
   * `ppe-hardhat.runs` / `.skipped` (frames with / without a person), `ppe-vest.runs` / `.reused`.
   */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const d of [...this.stage1, ...this.stage2])
      for (const [k, v] of Object.entries(d.counts?.() ?? {})) out[k] = (out[k] ?? 0) + v;
    return out;
  }

  /** `frame`: the camera and time of the frame, so stage 2 may reuse recent per-person answers. */
  async detect(image: RgbImage, frame?: FrameContext): Promise<Detection[]> {
    assertImage(image);
    const first = mergeShared(await Promise.all(this.stage1.map((d) => d.detect(image))));
    const second = await Promise.all(this.stage2.map((d) => d.detect(image, first, frame)));
    return mergeShared([first, ...second]);
  }

  async close(): Promise<void> {
    for (const d of [...this.stage1, ...this.stage2]) await d.close().catch(() => undefined);
  }
}

/** IoU above which two detectors' boxes of the same label are the same object (YOLOX's NMS value). */
const CROSS_MODEL_NMS = 0.45;

/**
 * Labels that name exclusive states of one object: a head wears a hard hat or it does not. When two
 * detectors report such labels (the whole-frame hard-hat pass and the person-crop pass), one head may
 * come back as `helmet` from one and `head` from the other; NMS then runs across the family.
 */
const FAMILIES: readonly (readonly Label[])[] = [['helmet', 'head']];

/**
 * Concatenates detector outputs; where two detectors produce the same label (e.g. YOLOX-Nano and the
 * light person detector both say `person`), duplicates are merged by NMS so each object is reported
 * once (across a family of exclusive labels, see FAMILIES). Labels produced by a single detector pass
 * through untouched.
 */
export function mergeShared(outputs: readonly Detection[][]): Detection[] {
  const producers = new Map<Label, number>();
  for (const out of outputs)
    for (const label of new Set(out.map((d) => d.label)))
      producers.set(label, (producers.get(label) ?? 0) + 1);
  const all = outputs.flat();
  const shared = [...producers].filter(([, n]) => n > 1).map(([l]) => l);
  if (shared.length === 0) return all;
  const groups = shared.map((l) => FAMILIES.find((f) => f.includes(l)) ?? [l]);
  const merged = [...new Map(groups.map((g) => [g.join(','), g])).values()];
  const inMerged = new Set(merged.flat());
  const kept = all.filter((d) => !inMerged.has(d.label));
  for (const group of merged) {
    const members = all.filter((d) => group.includes(d.label));
    // nms() ignores labels: a family is merged as if it were one label
    kept.push(...nms(members, CROSS_MODEL_NMS));
  }
  return kept;
}
