/**
 * Runtime for the project's own YOLOX-layout models (hard hat `ppe-hardhat`, fire/smoke
 * `fire-smoke`): YOLOX-Nano's frozen COCO backbone with heads trained by training/ (see the model
 * cards in models/). Input and output follow YOLOX exactly (416x416 BGR 0..255, top-left letterbox
 * padded with 114; raw head rows), so one letterbox + decoder serves both.
 */
import sharp from 'sharp';
import ort from 'onnxruntime-node';
import { DetectErrors, MIN_IMAGE_SIDE } from '../errors.ts';
import { readVerifiedModel, type ModelEntry } from '../manifest.ts';
import type { PluginContext } from '../registry.ts';
import type { Detection, Detector, Label, RgbImage } from '../types.ts';
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

/** Letterboxes an RGB image into a [1,3,size,size] BGR float tensor (YOLOX's preprocessing). */
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

export class OwnYoloxHeadDetector implements Detector {
  readonly name: string;
  readonly labels: readonly Label[];
  private session: ort.InferenceSession | null = null;
  private readonly thresholds: Partial<Record<Label, number>>;

  private readonly nms: number;

  constructor(
    private readonly entry: ModelEntry,
    private readonly ctx: Pick<PluginContext, 'modelsDir' | 'threads'> & Partial<PluginContext>,
  ) {
    this.name = entry.name;
    const classes = Object.entries(entry.classes).sort((a, b) => Number(a[0]) - Number(b[0]));
    this.labels = classes.map(([, l]) => l);
    const settings = ctx.settings ?? {};
    this.thresholds = classThresholds(entry, this.labels, settings);
    this.nms = typeof settings.nms === 'number' ? settings.nms : (entry.thresholds.nms ?? 0.45);
  }

  async init(): Promise<void> {
    const bytes = readVerifiedModel(this.entry, this.ctx.modelsDir);
    const threads = this.ctx.threads;
    this.session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
    const size = this.entry.input.width;
    await this.detect({ width: size, height: size, data: new Uint8Array(size * size * 3).fill(114) });
  }

  /** The raw head rows for one image (used by detect and by the frame-level fire decision). */
  async raw(image: RgbImage): Promise<{ raw: Float32Array; scale: number }> {
    if (!this.session) throw new Error(`${this.name}: init() first`);
    const size = this.entry.input.width;
    const { tensor, scale } = await letterboxBgr(image, size);
    const feeds = { [this.entry.input.name]: new ort.Tensor('float32', tensor, [1, 3, size, size]) };
    const out = await this.session.run(feeds);
    const t = out[this.entry.output.name];
    if (!t) throw new Error(`${this.name}: no output ${this.entry.output.name}`);
    return { raw: t.data as Float32Array, scale };
  }

  async detect(image: RgbImage): Promise<Detection[]> {
    const { raw, scale } = await this.raw(image);
    return decodeYolox(raw, {
      labels: this.labels,
      thresholds: this.thresholds,
      strides: this.entry.output.strides ?? [8, 16, 32],
      inputSize: this.entry.input.width,
      scale,
      srcWidth: image.width,
      srcHeight: image.height,
      nms: this.nms,
    });
  }

  async close(): Promise<void> {
    await this.session?.release();
    this.session = null;
  }
}
