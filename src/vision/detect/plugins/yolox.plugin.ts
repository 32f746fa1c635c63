import { readVerifiedModel, type ModelEntry } from '../manifest.ts';
import { OnnxSession } from '../onnx-session.ts';
import { assertImage, Preprocessor, type Roi } from '../preprocess.ts';
import type { PluginContext } from '../registry.ts';
import type { Detection, Detector, HeadDecoder, Label, RgbImage } from '../types.ts';
import { decodeYolox } from '../yolox-decode.ts';
import { withDynamicSpatialInput } from '../onnx-dynamic-input.ts';
import { FittedInputs, type FittedShape } from '../fitted-input.ts';
import { Serial } from '../serial.ts';

/** The decoding half of the plugin (pure), shared with the shared-backbone group. */
export function yoloxDecoder(entry: ModelEntry, settings: Readonly<Record<string, unknown>>): HeadDecoder {
  const classes = new Map(Object.entries(entry.classes).map(([k, v]) => [Number(k), v]));
  const scoreThreshold =
    typeof settings.score === 'number' ? settings.score : (entry.thresholds.score ?? 0.3);
  const nmsThreshold = typeof settings.nms === 'number' ? settings.nms : (entry.thresholds.nms ?? 0.45);
  const { output } = entry;
  return {
    labels: [...new Set(classes.values())],
    decode: (raw, placement, inputWidth, inputHeight) =>
      decodeYolox(raw, {
        inputWidth,
        inputHeight,
        strides: output.strides ?? [8, 16, 32],
        numClasses: output.numClasses ?? classes.size,
        classes,
        scoreThreshold,
        nmsThreshold,
        placement,
        imageWidth: placement.width,
        imageHeight: placement.height,
        maxDetections: 100,
      }),
  };
}

/**
 * The YOLOX family (YOLOX-Nano COCO, the light person detector, and any project model exported from a
 * YOLOX head). Stage 1 runs on the whole frame. Stage 2 (manifest `stage: 2`) runs on crops around
 * earlier detections: `options.cropLabels` (default ["person"]), `options.cropMargin` (fraction of the
 * box added on each side, default 0.1), `options.maxCrops` (largest first, default 8).
 * `options.fitInput: true`: instead of letterboxing into the full square input, the input is cut to
 * the letterboxed content rounded up to 32 px (416×256 for a 16:9 frame), see onnx-dynamic-input.ts.
 */
export class YoloxDetector implements Detector {
  readonly name: string;
  readonly labels: readonly Label[];
  private session: OnnxSession | undefined;
  private pre: Preprocessor | undefined;
  private readonly decoder: HeadDecoder;
  private readonly fit: boolean;
  private readonly fitted: FittedInputs;
  /** one frame at a time: the input buffers are reused */
  private readonly serial = new Serial();

  constructor(
    private readonly entry: ModelEntry,
    private readonly ctx: PluginContext,
  ) {
    this.name = entry.name;
    this.decoder = yoloxDecoder(entry, ctx.settings);
    this.labels = this.decoder.labels;
    this.fit = entry.options?.fitInput === true && entry.input.layout === 'NCHW';
    this.fitted = new FittedInputs(entry.input);
  }

  async init(): Promise<void> {
    const { input, output } = this.entry;
    const verified = readVerifiedModel(this.entry, this.ctx.modelsDir);
    const bytes = this.fit ? withDynamicSpatialInput(verified) : verified;
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

  /** The input shape for a region: the full square, or (fitInput) the letterboxed content rounded up. */
  private shapeFor(rw: number, rh: number): FittedShape | undefined {
    return this.fit ? this.fitted.for(rw, rh) : undefined;
  }

  private detectIn(image: RgbImage, roi: Roi): Promise<Detection[]> {
    return this.serial.run(() => this.detectInNow(image, roi));
  }

  private async detectInNow(image: RgbImage, roi: Roi): Promise<Detection[]> {
    const session = this.session;
    if (!session || !this.pre) throw new Error(`detector ${this.name} used before init()`);
    const rw = Math.min(image.width, roi[2]) - Math.max(0, roi[0]);
    const rh = Math.min(image.height, roi[3]) - Math.max(0, roi[1]);
    const shaped = this.shapeFor(Math.max(1, rw), Math.max(1, rh));
    const pre = shaped?.pre ?? this.pre;
    const placement = pre.run(image, roi);
    const raw = shaped ? await session.runWith(shaped.input, shaped.dims) : await session.run();
    return this.decoder.decode(raw, placement, pre.layout.width, pre.layout.height);
  }

  async close(): Promise<void> {
    await this.session?.close();
    this.session = undefined;
  }
}

const area = (b: readonly number[]): number => (b[2]! - b[0]!) * (b[3]! - b[1]!);
