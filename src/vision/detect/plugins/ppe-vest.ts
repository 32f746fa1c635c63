/**
 * Stage-2 hi-vis vest classifier (`ppe-vest`): for each person found by the stage-1 detector, the
 * person crop (256×128 BGR, as the Intel person re-id embedder expects) goes through our ONNX model
 * (re-id embedder, frozen + L2 norm + a trained 2-layer head) giving p(vest). Each person yields one
 * detection, `vest` (score p) or `no_vest` (score 1 − p), boxed on the torso estimated from the
 * person box (offsets learned from the training labels, a person cut off below placed on an assumed
 * whole height; see people.ts torsoOfPerson and models/ppe-vest.card.md).
 * A crop costs ~8 ms, so on a camera's consecutive frames a person whose box barely moved gets the
 * answer made for it less than `options.reuseMs` ago (default 2000 ms; 0 = classify every frame), or,
 * when the camera's frames come slower than that, on its next `options.reuseFrames` frames up to
 * `options.reuseMaxMs` old (see reuse-cache.ts). The crops a frame still needs go through the model
 * in one run (a batch of 6: ≈ 20 % less CPU per crop than a run each, `npm run bench:vest-batch`), once
 * the batch-enabled graph (onnx/batchable.ts) has been checked at load to answer as the shipped one does.
 */
import sharp from 'sharp';
import ort from 'onnxruntime-node';
import { readVerifiedModel, type ModelEntry } from '../manifest.ts';
import { makeBatchable } from '../onnx/batchable.ts';
import { decodeModel, encodeModel } from '../onnx/onnx-model.ts';
import type { PluginContext } from '../registry.ts';
import { ReuseCache, type Remembered } from '../reuse-cache.ts';
import type { Box, Detection, Detector, FrameContext, Label, RgbImage } from '../types.ts';
import { checkImage } from './ppe-yolox-head.ts';
import { largestPeople, torsoOfPerson, type PersonFractions } from './people.ts';

export const CROP_W = 128;
export const CROP_H = 256;

/** Person box → torso box: [x1, y1, x2, y2] as fractions of the person box. */
export type TorsoMap = PersonFractions;

/** Crops `box` (clamped to the image) and stretches it to 128×256, as NHWC BGR 0..255 floats. */
export async function personCrop(image: RgbImage, box: Box): Promise<Float32Array | null> {
  const left = Math.max(0, Math.floor(box[0]));
  const top = Math.max(0, Math.floor(box[1]));
  const width = Math.min(image.width, Math.ceil(box[2])) - left;
  const height = Math.min(image.height, Math.ceil(box[3])) - top;
  if (width < 4 || height < 8) return null;
  const px = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .extract({ left, top, width, height })
    .resize(CROP_W, CROP_H, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  const t = new Float32Array(CROP_W * CROP_H * 3);
  for (let i = 0; i < CROP_W * CROP_H; i++) {
    t[i * 3] = px[i * 3 + 2] as number;
    t[i * 3 + 1] = px[i * 3 + 1] as number;
    t[i * 3 + 2] = px[i * 3] as number;
  }
  return t;
}

/** Prepared crops as one NHWC input tensor [n, 256, 128, 3] (one crop is passed without a copy). */
export function cropBatch(crops: readonly Float32Array[]): ort.Tensor {
  const each = CROP_W * CROP_H * 3;
  const input = crops.length === 1 ? crops[0]! : new Float32Array(each * crops.length);
  if (crops.length > 1) crops.forEach((c, i) => input.set(c, i * each));
  return new ort.Tensor('float32', input, [crops.length, CROP_H, CROP_W, 3]);
}

export class VestClassifier implements Detector {
  readonly name: string;
  readonly labels: readonly Label[] = ['vest', 'no_vest'];
  private session: ort.InferenceSession | null = null;
  /** whether `session` takes several crops per run (the batch-enabled graph passed its check) */
  private batched = false;
  /** whether the crops of a frame go through the model in one run (false: one run per crop) */
  get batches(): boolean {
    return this.batched;
  }
  private readonly threshold: number;
  private readonly torso: TorsoMap;
  /** a person box shorter than this × its width is a person cut off below (people.ts torsoOfPerson) */
  private readonly wholeAspect: number;
  private readonly minPersonScore: number;
  private readonly maxCrops: number;
  private readonly reuse: ReuseCache<number> | undefined;
  /** `settings.minScore` (measurement, `jianhu detect --min-score`): report both answers down to it */
  private readonly reportBothFrom: number | undefined;
  /** crops classified by the model (the rest reused a recent answer) */
  runs = 0;
  reused = 0;

  constructor(
    private readonly entry: ModelEntry,
    private readonly ctx: Pick<PluginContext, 'modelsDir' | 'threads'> & Partial<PluginContext>,
  ) {
    this.name = entry.name;
    const o = entry.options ?? {};
    const minScore = ctx.settings?.minScore;
    this.reportBothFrom = typeof minScore === 'number' ? minScore : undefined;
    this.threshold = entry.thresholds.score ?? 0.5;
    this.torso = (o.torso as TorsoMap | undefined) ?? [0.1, 0.15, 0.9, 0.6];
    this.wholeAspect = (o.wholeAspect as number | undefined) ?? 0;
    this.minPersonScore = (o.minPersonScore as number | undefined) ?? 0.3;
    this.maxCrops = (o.maxCrops as number | undefined) ?? 8;
    const reuseMs = (o.reuseMs as number | undefined) ?? 2000;
    const minIou = (o.reuseIou as number | undefined) ?? 0.5;
    const minUses = (o.reuseFrames as number | undefined) ?? 0;
    const graceMs = (o.reuseMaxMs as number | undefined) ?? reuseMs;
    this.reuse =
      reuseMs > 0 ? new ReuseCache<number>({ maxAgeMs: reuseMs, minIou, minUses, graceMs }) : undefined;
  }

  counts(): Record<string, number> {
    return { [`${this.name}.runs`]: this.runs, [`${this.name}.reused`]: this.reused };
  }

  async init(): Promise<void> {
    const bytes = readVerifiedModel(this.entry, this.ctx.modelsDir);
    const options = { intraOpNumThreads: this.ctx.threads, interOpNumThreads: 1 };
    const shipped = await ort.InferenceSession.create(bytes, options);
    this.session = shipped;
    // the batch-enabled graph replaces the shipped one only if it gives the same answers on distinct crops
    const probes = [0, 1, 2].map((k) =>
      Float32Array.from({ length: CROP_W * CROP_H * 3 }, (_, i) => (i * (7 + k) + (i >> 10) * 31 * k) % 256),
    );
    const single = [];
    for (const p of probes) single.push(...(await this.probabilities([p])));
    try {
      const model = decodeModel(bytes);
      makeBatchable(model);
      this.session = await ort.InferenceSession.create(encodeModel(model), options);
      this.batched = true;
      const together = await this.probabilities(probes);
      if (single.some((p, i) => !(Math.abs(p - (together[i] ?? NaN)) < 1e-4))) throw new Error('differs');
      await shipped.release();
    } catch {
      if (this.session !== shipped) await this.session.release().catch(() => undefined);
      this.session = shipped;
      this.batched = false;
    }
  }

  /** p(vest) for one prepared crop. */
  async probability(crop: Float32Array): Promise<number> {
    return (await this.probabilities([crop]))[0] as number;
  }

  /** p(vest) for each prepared crop: one run for all of them where the session takes a batch. */
  async probabilities(crops: readonly Float32Array[]): Promise<number[]> {
    const session = this.session;
    if (!session) throw new Error(`${this.name}: init() first`);
    const run = async (batch: readonly Float32Array[]): Promise<number[]> => {
      const out = await session.run({ [this.entry.input.name]: cropBatch(batch) });
      return Array.from((out[this.entry.output.name]?.data as Float32Array).subarray(0, batch.length));
    };
    if (this.batched || crops.length <= 1) return crops.length ? run(crops) : [];
    const out: number[] = [];
    for (const c of crops) out.push(...(await run([c])));
    return out;
  }

  async detect(image: RgbImage, context?: readonly Detection[], frame?: FrameContext): Promise<Detection[]> {
    checkImage(image);
    const people = largestPeople(context, this.minPersonScore, this.maxCrops);
    const out: Detection[] = [];
    const reuse = frame && this.reuse ? { cache: this.reuse, key: frame.key, ts: frame.ts } : undefined;
    const remembered: Remembered<number>[] = [];
    // a recent answer where there is one, else a crop for the one model run of this frame
    const answered: { box: Box; pv?: number; ts?: number; uses?: number; crop?: number }[] = [];
    const crops: Float32Array[] = [];
    for (const p of people) {
      const hit = reuse?.cache.lookup(reuse.key, p.box, reuse.ts);
      if (hit) {
        answered.push({ box: p.box, pv: hit.value, ts: hit.ts, uses: (hit.uses ?? 0) + 1 });
        this.reused++;
        continue;
      }
      const crop = await personCrop(image, p.box);
      if (!crop) continue;
      answered.push({ box: p.box, crop: crops.length });
      crops.push(crop);
    }
    const fresh = await this.probabilities(crops);
    this.runs += crops.length;
    for (const a of answered) {
      const pv = a.crop !== undefined ? (fresh[a.crop] as number) : (a.pv as number);
      if (reuse) remembered.push({ box: a.box, value: pv, ts: a.ts ?? reuse.ts, uses: a.uses ?? 0 });
      out.push(...this.answers(pv, torsoOfPerson(a.box, this.torso, this.wholeAspect)));
    }
    reuse?.cache.set(reuse.key, remembered, reuse.ts);
    return out;
  }

  /**
   * The decision (`vest` p or `no_vest` 1 − p, at the shipped threshold); under `minScore` both labels
   * whose score reaches it, so AP can be read over the whole score range (the rules never run so).
   */
  private answers(pv: number, box: Box): Detection[] {
    const from = this.reportBothFrom;
    if (from === undefined)
      return [
        pv >= this.threshold ? { label: 'vest', score: pv, box } : { label: 'no_vest', score: 1 - pv, box },
      ];
    const both: Detection[] = [
      { label: 'vest', score: pv, box },
      { label: 'no_vest', score: 1 - pv, box },
    ];
    return both.filter((d) => d.score >= from);
  }

  async close(): Promise<void> {
    await this.session?.release();
    this.session = null;
  }
}
