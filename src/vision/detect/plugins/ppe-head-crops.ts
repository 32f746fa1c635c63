/**
 * Stage-2 hard hat on person crops (`own-head-crops`): the ppe-hardhat graph run again on the upper part
 * of every person the stage-1 detector found, cut from the full-resolution frame and fed at a small input
 * (`options.inputSize`, 160). On an overhead CCTV frame a head covers a few pixels of the whole-frame
 * pass, below the sizes the head was trained on (16–64 px in a 416 input), and is mostly missed; in the
 * crop the same head covers ~40 px. Costs one small YOLOX pass per person (≈ 15 % of a 416 pass at 160).
 */
import type { ModelEntry } from '../manifest.ts';
import type { PluginContext } from '../registry.ts';
import type { Box, Detection, Detector, Label, RgbImage } from '../types.ts';
import { nms } from '../yolox-decode.ts';
import { largestPeople, partOfPerson, type PersonFractions } from './people.ts';
import { OwnYoloxHeadDetector } from './ppe-yolox-head.ts';

/** Head region as fractions of the person box: [left, top, right, bottom] (may reach outside it). */
export type RegionMap = PersonFractions;

/** The part of the frame where a person's head can be, in whole pixels, clamped to the image (pure). */
export function headRegion(person: Box, m: RegionMap, width: number, height: number): Box {
  const [x1, y1, x2, y2] = partOfPerson(person, m);
  return [
    Math.max(0, Math.floor(x1)),
    Math.max(0, Math.floor(y1)),
    Math.min(width, Math.ceil(x2)),
    Math.min(height, Math.ceil(y2)),
  ];
}

/** Copies an integer region of a packed RGB image (pure). */
export function cropRgb(image: RgbImage, r: Box): RgbImage {
  const [x1, y1, x2, y2] = r;
  const width = x2 - x1;
  const height = y2 - y1;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((y1 + y) * image.width + x1) * 3;
    data.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data };
}

export class HeadCropDetector implements Detector {
  readonly name: string;
  readonly labels: readonly Label[];
  private readonly inner: OwnYoloxHeadDetector;
  private readonly region: RegionMap;
  private readonly minPersonScore: number;
  private readonly maxCrops: number;
  private readonly minSide: number;

  constructor(entry: ModelEntry, ctx: Pick<PluginContext, 'modelsDir' | 'threads'> & Partial<PluginContext>) {
    this.name = entry.name;
    const o = entry.options ?? {};
    const size = (o.inputSize as number | undefined) ?? 160;
    this.region = (o.region as RegionMap | undefined) ?? [-0.15, -0.1, 1.15, 0.45];
    this.minPersonScore = (o.minPersonScore as number | undefined) ?? 0.3;
    this.maxCrops = (o.maxCrops as number | undefined) ?? 8;
    this.minSide = (o.minSide as number | undefined) ?? 16;
    // the same graph, fed at its fitted input with `size` as the longer side
    const fitted = { ...entry.input, width: size, height: size };
    this.inner = new OwnYoloxHeadDetector(
      { ...entry, input: fitted, options: { ...o, fitInput: true } },
      ctx,
    );
    this.labels = this.inner.labels;
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async detect(image: RgbImage, context?: readonly Detection[]): Promise<Detection[]> {
    const people = largestPeople(context, this.minPersonScore, this.maxCrops);
    const found: Detection[] = [];
    for (const p of people) {
      const r = headRegion(p.box, this.region, image.width, image.height);
      if (r[2] - r[0] < this.minSide || r[3] - r[1] < this.minSide) continue;
      for (const d of await this.inner.detect(cropRgb(image, r)))
        found.push({ ...d, box: [d.box[0] + r[0], d.box[1] + r[1], d.box[2] + r[0], d.box[3] + r[1]] });
    }
    // overlapping crops see a head twice; nms() ignores labels, so one head is helmet or head, not both
    return nms(found, 0.45);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
