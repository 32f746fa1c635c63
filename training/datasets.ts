/**
 * The labelled data under ../shared/datasets and how it is split without leakage (by source photo
 * for safety-vest-v4, whose train/ holds 3 augmented copies per photo; by clip for fire-smoke-cctv).
 */
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { readLabelledFolder, type LabelledImage } from '../src/cli/commands/eval-data.ts';
import { PROJECT_ROOT } from '../src/vision/detect/manifest.ts';

export const DATA = join(PROJECT_ROOT, '..', 'shared', 'datasets');
/** construction-site-safety (CC BY 4.0; helmet boxes cover the helmet alone): split by source photo. */
export { constructionSiteSafety } from '../src/cli/commands/eval-sources.ts';
const sizeOf = async (f: string): Promise<{ width: number; height: number }> => {
  const m = await sharp(f).metadata();
  return { width: m.width ?? 0, height: m.height ?? 0 };
};

export const hhw = (split: 'train' | 'val' | 'test'): Promise<LabelledImage[]> =>
  readLabelledFolder(join(DATA, 'hard-hat-workers', 'images', split), 'voc', sizeOf);

/** The source photo of a Roboflow export file (`00252_jpg.rf.<hash>.jpg` → `00252`). */
export const roboflowSource = (file: string): string =>
  basename(file).replace(/_(jpg|jpeg|png)\.rf\..*$/, '');

/** safety-vest-v4: train minus any source photo that also appears in valid/ or test/. */
export async function safetyVest(): Promise<{
  train: LabelledImage[];
  val: LabelledImage[];
  test: LabelledImage[];
}> {
  const read = (s: string) => readLabelledFolder(join(DATA, 'safety-vest-v4', s, 'images'), 'yolo', sizeOf);
  const [train, val, test] = await Promise.all([read('train'), read('valid'), read('test')]);
  const held = new Set([...val, ...test].map((i) => roboflowSource(i.file)));
  return { train: train.filter((i) => !held.has(roboflowSource(i.file))), val, test };
}

/**
 * fire-smoke-cctv: the shipped splits share clips, so all frames are pooled and re-split by clip
 * (`fire2_mp4-123…` → `fire2_mp4`; numbered web frames `img_N` in runs of 25, which keeps
 * neighbouring frames of one video together).
 */
export function fireClip(file: string): string {
  const b = basename(file).replace(/_(jpg|jpeg|png)\.rf\..*$/, '');
  const mp4 = /^(.*_mp4)-\d+$/.exec(b);
  if (mp4) return mp4[1] as string;
  const img = /^img_(\d+)/.exec(b);
  if (img) return `img_${Math.floor(Number(img[1]) / 25)}`;
  return b;
}

/** Salt of the clip hash: picked (by split sizes only, before training) so val and test both hold negative frames. */
const SALT = 'd';

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/**
 * Frames of fire-smoke-cctv whose empty label file is wrong: they show fire or smoke. Found by looking at
 * every one of the 160 frames without boxes on contact sheets, before any model's scores on them were
 * read (models/fire-smoke.card.md). Without boxes they can be neither positives nor negatives: dropped.
 */
export const FIRE_LABEL_ERRORS: readonly string[] = [
  // a black smoke plume over a hillside town with flames at its foot; frames 14 and 16 of the clip are labelled
  'pexels-alan-w-8365989_mp4-15_jpg.rf.a0339be61c3be28ee6976c567aee5872.jpg',
];

/** Deterministic clip split: ~70% train, ~12% val, ~18% test (by hash of the clip name). */
export async function fireSmoke(): Promise<{
  train: LabelledImage[];
  val: LabelledImage[];
  test: LabelledImage[];
}> {
  const read = (s: string) => readLabelledFolder(join(DATA, 'fire-smoke-cctv', s, 'images'), 'yolo', sizeOf);
  const all = (await Promise.all([read('train'), read('valid'), read('test')])).flat();
  const out = { train: [] as LabelledImage[], val: [] as LabelledImage[], test: [] as LabelledImage[] };
  for (const img of all) {
    if (FIRE_LABEL_ERRORS.includes(basename(img.file))) continue;
    const u = (hash(`${process.env.JH_FIRE_SALT ?? SALT}${fireClip(img.file)}`) % 1000) / 1000;
    (u < 0.7 ? out.train : u < 0.82 ? out.val : out.test).push(img);
  }
  return out;
}

/** `n` evenly spaced items of `list` (all of it when n ≥ its length); deterministic. */
export function evenly<T>(list: readonly T[], n: number): T[] {
  if (n >= list.length) return [...list];
  return Array.from({ length: n }, (_, k) => list[Math.floor((k * list.length) / n)] as T);
}

/**
 * Photos without fire from the PPE sets, as negative frames (boxes removed) for the fire/smoke head:
 * training from hard-hat-workers images/train and safety-vest-v4 train (one file per source photo, after
 * removing sources also in valid/ or test/; the other files are augmented copies of the same photo);
 * validation from hard-hat-workers images/val and safety-vest-v4 valid/. Their test folders are not used.
 */
export async function fireNegatives(perSet: number): Promise<{
  train: { hhw: LabelledImage[]; sv: LabelledImage[] };
  val: { hhw: LabelledImage[]; sv: LabelledImage[] };
}> {
  const byFile = (a: LabelledImage, b: LabelledImage) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  const none = (l: LabelledImage[]) => l.map((i) => ({ ...i, gts: [] })).sort(byFile);
  const [hTrain, hVal, sv] = await Promise.all([hhw('train'), hhw('val'), safetyVest()]);
  const seen = new Set<string>();
  const svOne = none(sv.train).filter((i) => {
    const s = roboflowSource(i.file);
    if (seen.has(s)) return false;
    seen.add(s);
    return true;
  });
  return {
    train: { hhw: evenly(none(hTrain), perSet), sv: evenly(svOne, perSet) },
    val: { hhw: none(hVal), sv: none(sv.val) },
  };
}
