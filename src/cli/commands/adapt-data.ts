/**
 * What site adaptation reads besides the site's crops (shared by the service's composition root,
 * `jianhu adapt` and `npm run bench:adapt`): the hard-hat model's shipped photos (hard-hat-workers and
 * safety-vest-v4 under a datasets folder, split as the model was trained: models/ppe-hardhat.card.md),
 * and AP computed by the evaluation's own matching (eval-metrics.ts).
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import type { ApOf } from '../../vision/adapt/judge.ts';
import type { Photo } from '../../vision/adapt/engine.ts';
import { AdaptErrors } from '../../vision/adapt/errors.ts';
import { readLabelledFolder, type LabelledImage } from './eval-data.ts';
import { averagePrecision, matchImage } from './eval-metrics.ts';

export const apOf: ApOf = (photos, label, iouThr) => {
  const matched = photos.flatMap((p) => matchImage(p.dets, p.gts, label, iouThr));
  const nGt = photos.reduce((s, p) => s + p.gts.filter((g) => g.label === label).length, 0);
  return averagePrecision(matched, nGt);
};

const sizeOf = async (f: string) => {
  const m = await sharp(f).metadata();
  return { width: m.width ?? 0, height: m.height ?? 0 };
};
const roboflowSource = (file: string): string => basename(file).replace(/_(jpg|jpeg|png)\.rf\..*$/, '');
const hardhat = (imgs: readonly LabelledImage[]): Photo[] =>
  imgs.map((i) => ({ file: i.file, gts: i.gts.filter((g) => g.label === 'helmet' || g.label === 'head') }));
/** `n` evenly spaced items (all when n ≥ length): deterministic, and spread over both sources. */
const evenly = <T>(list: readonly T[], n: number): T[] =>
  n >= list.length
    ? [...list]
    : Array.from({ length: n }, (_, k) => list[Math.floor((k * list.length) / n)] as T);

export interface ShippedData {
  train: Photo[];
  val: Photo[];
  test: Photo[];
}

/**
 * The shipped hard-hat data under `datasetsDir`: train and val (at most `trainLimit` / `valLimit` photos,
 * evenly drawn), test. safety-vest-v4's train/ loses every source photo that is also in valid/ or test/.
 */
export async function shippedHardhatData(
  datasetsDir: string,
  o: { trainLimit?: number; valLimit?: number } = {},
): Promise<ShippedData> {
  const hhwDir = join(datasetsDir, 'hard-hat-workers', 'images');
  const svDir = join(datasetsDir, 'safety-vest-v4');
  if (!existsSync(hhwDir) || !existsSync(svDir))
    throw AdaptErrors.noShippedData(
      { datasetsDir },
      `no hard-hat-workers / safety-vest-v4 under ${datasetsDir}`,
    );
  const hhw = (s: string) => readLabelledFolder(join(hhwDir, s), 'voc', sizeOf);
  const sv = (s: string) => readLabelledFolder(join(svDir, s, 'images'), 'yolo', sizeOf);
  const [hTrain, hVal, hTest, sTrain, sVal, sTest] = await Promise.all([
    hhw('train'),
    hhw('val'),
    hhw('test'),
    sv('train'),
    sv('valid'),
    sv('test'),
  ]);
  const held = new Set([...sVal, ...sTest].map((i) => roboflowSource(i.file)));
  const train = [...hTrain, ...sTrain.filter((i) => !held.has(roboflowSource(i.file)))];
  return {
    train: hardhat(evenly(train, o.trainLimit ?? train.length)),
    val: hardhat(evenly([...hVal, ...sVal], o.valLimit ?? Infinity)),
    test: hardhat([...hTest, ...sTest]),
  };
}
