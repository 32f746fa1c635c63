/**
 * Stage-2 hi-vis vest classifier (`ppe-vest`): for each person found by the stage-1 detector, the
 * person crop (256×128 BGR, as the Intel person re-id embedder expects) goes through our ONNX model
 * (re-id embedder, frozen + L2 norm + a trained 2-layer head) giving p(vest). Each person yields one
 * detection, `vest` (score p) or `no_vest` (score 1 − p), boxed on the torso estimated from the
 * person box (offsets learned from the training labels, a person cut off below placed on an assumed
 * whole height; see people.ts torsoOfPerson and models/ppe-vest.card.md).
 * A crop costs ~15 ms, so on a camera's consecutive frames a person whose box barely moved gets the
 * answer made for it less than `options.reuseMs` ago (default 2000 ms; 0 = classify every frame),
 * see reuse-cache.ts.
 */
import sharp from 'sharp';
import ort from 'onnxruntime-node';
import { readVerifiedModel, type ModelEntry } from '../manifest.ts';
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

export class VestClassifier implements Detector {
  readonly name: string;
  readonly labels: readonly Label[] = ['vest', 'no_vest'];
  private session: ort.InferenceSession | null = null;
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
    this.reuse = reuseMs > 0 ? new ReuseCache<number>({ maxAgeMs: reuseMs, minIou }) : undefined;
  }

  counts(): Record<string, number> {
    return { [`${this.name}.runs`]: this.runs, [`${this.name}.reused`]: this.reused };
  }

  async init(): Promise<void> {
    const bytes = readVerifiedModel(this.entry, this.ctx.modelsDir);
    this.session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: this.ctx.threads,
      interOpNumThreads: 1,
    });
    await this.probability(new Float32Array(CROP_W * CROP_H * 3).fill(114));
  }

  /** p(vest) for one prepared crop. */
  async probability(crop: Float32Array): Promise<number> {
    if (!this.session) throw new Error(`${this.name}: init() first`);
    const out = await this.session.run({
      [this.entry.input.name]: new ort.Tensor('float32', crop, [1, CROP_H, CROP_W, 3]),
    });
    return (out[this.entry.output.name]?.data as Float32Array)[0] as number;
  }

  async detect(image: RgbImage, context?: readonly Detection[], frame?: FrameContext): Promise<Detection[]> {
    checkImage(image);
    const people = largestPeople(context, this.minPersonScore, this.maxCrops);
    const out: Detection[] = [];
    const reuse = frame && this.reuse ? { cache: this.reuse, key: frame.key, ts: frame.ts } : undefined;
    const remembered: Remembered<number>[] = [];
    for (const p of people) {
      const hit = reuse?.cache.lookup(reuse.key, p.box, reuse.ts);
      let pv: number;
      if (hit) {
        pv = hit.value;
        this.reused++;
      } else {
        const crop = await personCrop(image, p.box);
        if (!crop) continue;
        pv = await this.probability(crop);
        this.runs++;
      }
      if (reuse) remembered.push({ box: p.box, value: pv, ts: hit?.ts ?? reuse.ts });
      const box = torsoOfPerson(p.box, this.torso, this.wholeAspect);
      out.push(...this.answers(pv, box));
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
