/**
 * Runtime for the project's own YOLOX-layout models (hard hat `ppe-hardhat`, fire/smoke
 * `fire-smoke`): YOLOX-Nano's frozen COCO backbone with heads trained by training/ (see the model
 * cards in models/). Input and output follow YOLOX exactly (416x416 BGR 0..255, top-left letterbox
 * padded with 114; raw head rows), so one letterbox + decoder serves both.
 */
import sharp from 'sharp';
import { DetectErrors, MIN_IMAGE_SIDE } from '../errors.ts';
import { FittedInputs } from '../fitted-input.ts';
import { Serial } from '../serial.ts';
import { readVerifiedModel, type ModelEntry } from '../manifest.ts';
import { withDynamicSpatialInput } from '../onnx-dynamic-input.ts';
import { OnnxSession } from '../onnx-session.ts';
import type { PluginContext } from '../registry.ts';
import type { Detection, Detector, HeadDecoder, Label, RgbImage } from '../types.ts';
import { decodeYolox, letterboxGeometry } from './ppe-postprocess.ts';

/**
 * Per-class thresholds: the manifest's `thresholds.perClass` (chosen on validation data by the
 * training script), else `thresholds.score`; a `score` setting (config.detect.overrides) replaces
 * them all (`jianhu eval` uses 0.01 to see the whole precision/recall curve).
 */
export function classThresholds(
  entry: ModelEntry,
  labels: readonly Label[],
  settings: Readonly<Record<string, unknown>>,
): Partial<Record<Label, number>> {
  const perClass = (entry.thresholds as { perClass?: Partial<Record<Label, number>> }).perClass ?? {};
  const dflt = entry.thresholds.score ?? 0.3;
  const forced = typeof settings.score === 'number' ? settings.score : undefined;
  return Object.fromEntries(labels.map((l) => [l, forced ?? perClass[l] ?? dflt]));
}

export function checkImage(image: RgbImage): void {
  if (image.width < MIN_IMAGE_SIDE || image.height < MIN_IMAGE_SIDE)
    throw DetectErrors.imageTooSmall({ width: image.width, height: image.height });
  if (image.data.length !== image.width * image.height * 3)
    throw DetectErrors.badFrame({ width: image.width, height: image.height, length: image.data.length });
}

/**
 * Letterboxes an RGB image into a [1,3,size,size] BGR float tensor with sharp (YOLOX's preprocessing).
 * The training scripts compute their features with it; the runtime uses the allocation-free
 * Preprocessor (same geometry, bilinear; `npm run eval` measures the shipped runtime path).
 */
export async function letterboxBgr(
  image: RgbImage,
  size: number,
): Promise<{ tensor: Float32Array; scale: number }> {
  checkImage(image);
  const { scale, w, h } = letterboxGeometry(image.width, image.height, size);
  const resized = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(w, h, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  const plane = size * size;
  const t = new Float32Array(3 * plane).fill(114);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const si = (y * w + x) * 3;
      const di = y * size + x;
      t[di] = resized[si + 2] as number; // B
      t[plane + di] = resized[si + 1] as number; // G
      t[2 * plane + di] = resized[si] as number; // R
    }
  }
  return { tensor: t, scale };
}

/**
 * The decoding half of the plugin (pure): raw head rows of one input → detections in source pixels.
 * Shared by this detector and by the shared-backbone group (shared-backbone.ts), so a head run inside
 * the merged graph decodes exactly as it does alone.
 */
export function ownHeadDecoder(entry: ModelEntry, settings: Readonly<Record<string, unknown>>): HeadDecoder {
  const labels = Object.entries(entry.classes)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([, l]) => l);
  const thresholds = classThresholds(entry, labels, settings);
  const nms = typeof settings.nms === 'number' ? settings.nms : (entry.thresholds.nms ?? 0.45);
  const vote = typeof entry.thresholds.vote === 'number' ? { voteIou: entry.thresholds.vote } : {};
  const strides = entry.output.strides ?? [8, 16, 32];
  return {
    labels,
    decode: (raw, placement, inputWidth, inputHeight) =>
      decodeYolox(raw, {
        labels,
        thresholds,
        strides,
        inputSize: inputWidth,
        inputWidth,
        inputHeight,
        scale: placement.sx, // top-left letterbox: one scale, no offset
        srcWidth: placement.width,
        srcHeight: placement.height,
        nms,
        ...vote,
      }),
  };
}

/**
 * Runs one of our heads alone (its own copy of the backbone). In the default pipeline the heads run
 * merged with YOLOX-Nano instead (one backbone pass); both paths share preprocessing and decoding.
 */
export class OwnYoloxHeadDetector implements Detector {
  readonly name: string;
  readonly labels: readonly Label[];
  private session: OnnxSession | null = null;
  private readonly decoder: HeadDecoder;
  private readonly fit: boolean;
  private readonly fitted: FittedInputs;
  /** one frame at a time: the input buffers are reused */
  private readonly serial = new Serial();

  constructor(
    private readonly entry: ModelEntry,
    private readonly ctx: Pick<PluginContext, 'modelsDir' | 'threads'> & Partial<PluginContext>,
  ) {
    this.name = entry.name;
    this.decoder = ownHeadDecoder(entry, ctx.settings ?? {});
    this.labels = this.decoder.labels;
    this.fit = entry.options?.fitInput === true;
    this.fitted = new FittedInputs(entry.input);
  }

  async init(): Promise<void> {
    const { input, output } = this.entry;
    const verified = readVerifiedModel(this.entry, this.ctx.modelsDir);
    this.session = await OnnxSession.load(
      this.fit ? withDynamicSpatialInput(verified) : verified,
      { inputName: input.name, outputName: output.name, dims: [1, 3, input.height, input.width] },
      { threads: this.ctx.threads },
    );
    const size = input.width;
    await this.detect({ width: size, height: size, data: new Uint8Array(size * size * 3).fill(114) });
  }

  async detect(image: RgbImage): Promise<Detection[]> {
    checkImage(image);
    return this.serial.run(() => this.detectNow(image));
  }

  private async detectNow(image: RgbImage): Promise<Detection[]> {
    const session = this.session;
    if (!session) throw new Error(`${this.name}: init() first`);
    const shape = this.fit ? this.fitted.for(image.width, image.height) : this.fitted.full();
    const placement = shape.pre.run(image);
    const raw = await session.runWith(shape.input, shape.dims);
    return this.decoder.decode(raw, placement, shape.dims[3]!, shape.dims[2]!);
  }

  async close(): Promise<void> {
    await this.session?.close();
    this.session = null;
  }
}
