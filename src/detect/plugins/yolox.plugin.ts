import { readVerifiedModel, type ModelEntry } from '../manifest.ts';
import { OnnxSession } from '../onnx-session.ts';
import { assertImage, Preprocessor, type Roi } from '../preprocess.ts';
import type { PluginContext } from '../registry.ts';
import type { Detection, Detector, Label, RgbImage } from '../types.ts';
import { decodeYolox } from '../yolox-decode.ts';

/**
 * The YOLOX family (YOLOX-Nano COCO, the light person detector, and any project model exported from a
 * YOLOX head). Stage 1 runs on the whole frame. Stage 2 (manifest `stage: 2`) runs on crops around
 * earlier detections: `options.cropLabels` (default ["person"]), `options.cropMargin` (fraction of the
 * box added on each side, default 0.1), `options.maxCrops` (largest first, default 8).
 */
export class YoloxDetector implements Detector {
  readonly name: string;
  readonly labels: readonly Label[];
  private session: OnnxSession | undefined;
  private pre: Preprocessor | undefined;
  private readonly classes: Map<number, Label>;
  private readonly scoreThreshold: number;
  private readonly nmsThreshold: number;

  constructor(
    private readonly entry: ModelEntry,
    private readonly ctx: PluginContext,
  ) {
    this.name = entry.name;
    this.classes = new Map(Object.entries(entry.classes).map(([k, v]) => [Number(k), v]));
    this.labels = [...new Set(this.classes.values())];
    const s = ctx.settings;
    this.scoreThreshold = typeof s.score === 'number' ? s.score : (entry.thresholds.score ?? 0.3);
    this.nmsThreshold = typeof s.nms === 'number' ? s.nms : (entry.thresholds.nms ?? 0.45);
  }

  async init(): Promise<void> {
    const { input, output } = this.entry;
    const bytes = readVerifiedModel(this.entry, this.ctx.modelsDir);
    const dims =
      input.layout === 'NCHW' ? [1, 3, input.height, input.width] : [1, input.height, input.width, 3];
    this.session = await OnnxSession.load(
      bytes,
      { inputName: input.name, outputName: output.name, dims },
      { threads: this.ctx.threads },
    );
    // Preprocess straight into the session's input tensor: one buffer, no copy per frame.
    this.pre = new Preprocessor(input, this.session.input);
    // Warm-up: the first run allocates onnxruntime's arenas; keep that out of the first real frame.
    await this.session.run();
  }

  async detect(image: RgbImage, context?: readonly Detection[]): Promise<Detection[]> {
    assertImage(image);
    if (this.entry.stage !== 2) return this.detectIn(image, [0, 0, image.width, image.height]);
    const opts = this.entry.options ?? {};
    const cropLabels = (opts.cropLabels as string[] | undefined) ?? ['person'];
    const margin = (opts.cropMargin as number | undefined) ?? 0.1;
    const maxCrops = (opts.maxCrops as number | undefined) ?? 8;
    const crops = (context ?? [])
      .filter((d) => cropLabels.includes(d.label))
      .sort((a, b) => area(b.box) - area(a.box))
      .slice(0, maxCrops);
    const out: Detection[] = [];
    for (const d of crops) {
      const [x1, y1, x2, y2] = d.box;
      const mx = (x2 - x1) * margin;
      const my = (y2 - y1) * margin;
      out.push(...(await this.detectIn(image, [x1 - mx, y1 - my, x2 + mx, y2 + my])));
    }
    return out;
  }

  private async detectIn(image: RgbImage, roi: Roi): Promise<Detection[]> {
    const session = this.session;
    const pre = this.pre;
    if (!session || !pre) throw new Error(`detector ${this.name} used before init()`);
    const placement = pre.run(image, roi);
    const raw = await session.run();
    const { input, output } = this.entry;
    return decodeYolox(raw, {
      inputWidth: input.width,
      inputHeight: input.height,
      strides: output.strides ?? [8, 16, 32],
      numClasses: output.numClasses ?? this.classes.size,
      classes: this.classes,
      scoreThreshold: this.scoreThreshold,
      nmsThreshold: this.nmsThreshold,
      placement,
      imageWidth: placement.width,
      imageHeight: placement.height,
      maxDetections: 100,
    });
  }

  async close(): Promise<void> {
    await this.session?.close();
    this.session = undefined;
  }
}

const area = (b: readonly number[]): number => (b[2]! - b[0]!) * (b[3]! - b[1]!);
