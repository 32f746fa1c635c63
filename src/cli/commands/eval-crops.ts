/**
 * Vest / no-vest accuracy on torso crops, the figure the vest target is stated in. Crops are taken
 * the way the runtime takes them: each labelled torso is paired with the smallest detected person
 * box that holds it; a torso no detected person holds gets a person box from the inverse torso map.
 * The trainer (training/train-vest.ts) and `jianhu eval` share this code, so the model card's test
 * figure is what `npm run eval` prints.
 */
import { readImageRgb } from '../../vision/detect/image-file.ts';
import type { ModelEntry } from '../../vision/detect/manifest.ts';
import { DetectionPipeline } from '../../vision/detect/pipeline.ts';
import { personCrop, VestClassifier, type TorsoMap } from '../../vision/detect/plugins/ppe-vest.ts';
import { torsoOfPerson } from '../../vision/detect/plugins/people.ts';
import type { Box, Detection } from '../../vision/detect/types.ts';
import { iou } from '../../vision/detect/yolox-decode.ts';
import type { LabelledImage } from './eval-data.ts';

export interface TorsoPair {
  file: string;
  torso: Box;
  /** the detected person holding the torso, or null */
  person: Box | null;
  /** 1 vest, 0 no_vest */
  y: number;
}

const area = (b: Box): number => (b[2] - b[0]) * (b[3] - b[1]);

/** Each labelled torso with the detected person that holds it (centre inside, ≥ 70 % of the torso inside). */
export async function torsoPairs(
  images: readonly LabelledImage[],
  peopleIn: (file: string) => Promise<Detection[]>,
): Promise<TorsoPair[]> {
  const out: TorsoPair[] = [];
  for (const li of images) {
    const torsos = li.gts.filter((g) => g.label === 'vest' || g.label === 'no_vest');
    if (torsos.length === 0) continue;
    const ppl = (await peopleIn(li.file)).filter((d) => d.label === 'person');
    for (const g of torsos) {
      const cx = (g.box[0] + g.box[2]) / 2;
      const cy = (g.box[1] + g.box[3]) / 2;
      const holders = ppl.filter((p) => {
        const inter =
          Math.max(0, Math.min(p.box[2], g.box[2]) - Math.max(p.box[0], g.box[0])) *
          Math.max(0, Math.min(p.box[3], g.box[3]) - Math.max(p.box[1], g.box[1]));
        return cx > p.box[0] && cx < p.box[2] && cy > p.box[1] && cy < p.box[3] && inter / area(g.box) >= 0.7;
      });
      holders.sort((a, b) => area(a.box) - area(b.box));
      out.push({
        file: li.file,
        torso: g.box,
        person: holders[0]?.box ?? null,
        y: g.label === 'vest' ? 1 : 0,
      });
    }
  }
  return out;
}

/** A person box for a torso no person detection holds (the torso map inverted). */
export function personForTorso(t: Box, m: TorsoMap): Box {
  const w = (t[2] - t[0]) / (m[2] - m[0]);
  const h = (t[3] - t[1]) / (m[3] - m[1]);
  return [t[0] - m[0] * w, t[1] - m[1] * h, t[0] - m[0] * w + w, t[1] - m[1] * h + h];
}

/** Share of the detected persons' labelled torsos the torso estimate finds at IoU ≥ 0.5 (pure). */
export function torsoHitRate(pairs: readonly TorsoPair[], m: TorsoMap, wholeAspect: number): number {
  const held = pairs.filter((p) => p.person);
  const hits = held.filter((p) => iou(torsoOfPerson(p.person as Box, m, wholeAspect), p.torso) >= 0.5);
  return held.length ? hits.length / held.length : 0;
}

/**
 * The vest plugin's `wholeAspect` (people.ts torsoOfPerson), chosen the way the trainer does: the value
 * of `grid` whose torso estimate finds most labelled torsos (ties: the first; 0 = off), on pairs the
 * caller gives (validation).
 */
export function chooseWholeAspect(
  pairs: readonly TorsoPair[],
  m: TorsoMap,
  grid: readonly number[],
): { wholeAspect: number; hitRate: number; tried: { wholeAspect: number; hitRate: number }[] } {
  const tried = grid.map((wholeAspect) => ({ wholeAspect, hitRate: torsoHitRate(pairs, m, wholeAspect) }));
  const best = tried.reduce((a, b) => (b.hitRate > a.hitRate ? b : a));
  return { ...best, tried };
}

export interface CropRates {
  crops: number;
  fromDetected: number;
  acc: number;
  bal: number;
  /** vest recall */
  tpr: number;
  /** no_vest recall */
  tnr: number;
}

/** Accuracy of p(vest) ≥ threshold over labelled crops (p null: the crop could not be taken). */
export function cropRates(
  scored: readonly { y: number; p: number | null; detected: boolean }[],
  threshold: number,
): CropRates {
  let tp = 0,
    tn = 0,
    pos = 0,
    neg = 0,
    fromDetected = 0;
  for (const s of scored) {
    if (s.p === null) continue;
    if (s.detected) fromDetected++;
    const hit = s.p >= threshold;
    if (s.y === 1) {
      pos++;
      if (hit) tp++;
    } else {
      neg++;
      if (!hit) tn++;
    }
  }
  const tpr = tp / Math.max(1, pos);
  const tnr = tn / Math.max(1, neg);
  return {
    crops: pos + neg,
    fromDetected,
    acc: (tp + tn) / Math.max(1, pos + neg),
    bal: (tpr + tnr) / 2,
    tpr,
    tnr,
  };
}

export function formatCropRates(r: CropRates): string {
  return (
    `torso crops 躯干裁剪 (${r.crops}, ${r.fromDetected} from detected persons): accuracy 准确率 ${r.acc.toFixed(3)}, ` +
    `balanced 平衡 ${r.bal.toFixed(3)}, vest recall ${r.tpr.toFixed(3)}, no_vest recall ${r.tnr.toFixed(3)}`
  );
}

/**
 * The vest model's torso-crop accuracy on labelled images, persons found by YOLOX-Nano at its shipped
 * thresholds (as in training), the vest model's shipped threshold.
 */
export async function vestCropAccuracy(
  images: readonly LabelledImage[],
  entry: ModelEntry,
  o: { modelsDir: string; threads: number; inputSize?: number },
): Promise<CropRates> {
  const persons = await DetectionPipeline.create({ models: ['yolox-nano-coco'], ...o });
  const vest = new VestClassifier(entry, o);
  try {
    await vest.init();
    const torso = entry.options?.torso as TorsoMap;
    const scored: { y: number; p: number | null; detected: boolean }[] = [];
    for (const li of images) {
      // one decode per image, for the person detector and every crop of it
      const rgb = await readImageRgb(li.file);
      const pairs = await torsoPairs([li], () => persons.detect(rgb));
      for (const pair of pairs) {
        const crop = await personCrop(rgb, pair.person ?? personForTorso(pair.torso, torso));
        scored.push({
          y: pair.y,
          p: crop ? await vest.probability(crop) : null,
          detected: pair.person !== null,
        });
      }
    }
    return cropRates(scored, entry.thresholds.score ?? 0.5);
  } finally {
    await vest.close();
    await persons.close();
  }
}
