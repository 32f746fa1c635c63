/**
 * The synthetic `arc` data set (render-arc.ts composited onto frames without welding), generated into
 * var/arc-synth/ (gitignored) at training time, reproducible from the seed. Every background gives one
 * composite (an arc drawn on it) and stays itself as a negative frame.
 *
 * Held out by source: each split draws its backgrounds from other photos and clips than the others —
 * each dataset's own split (fire-smoke-cctv re-split by clip, training/datasets.ts; safety-vest-v4 and
 * construction-site-safety one file per source photo, sources of valid/ and test/ removed from train) —
 * and the factory clip, the only plant footage, by time: 0–20 s train, 22–28 s validation, 30 s–end test
 * (one camera and scene on both sides: the card says so). Frames of the clip stay under var/, never in git.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { listImages, type LabelledImage } from '../../src/cli/commands/eval-data.ts';
import { PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import { loadRgb } from '../data/augment.ts';
import { DATA, evenly, fireSmoke, hhw, roboflowSource } from '../datasets.ts';
import { makeRng } from '../head/rng.ts';
import { drawArc, randomArc, randomLamp } from './render-arc.ts';

export const CLIP = join(PROJECT_ROOT, '..', 'shared', 'clips', 'press-shop-cctv.mp4');
export const SYNTH_DIR = join(PROJECT_ROOT, 'var', 'arc-synth');
export type Split = 'train' | 'val' | 'test';
/** Where a background comes from (the card's per-source false-alarm rows). */
export type Source =
  'factory-clip' | 'fire-smoke-cctv' | 'hard-hat-workers' | 'safety-vest-v4' | 'construction-site-safety';

export interface Background {
  file: string;
  source: Source;
}
export interface ArcImage extends LabelledImage {
  source: Source;
}

/** The generator's version: bump it when render-arc.ts or this file draws differently (new cache dir). */
const GENERATOR = 3;
/** A negative with lamps drawn on it (its file name ends so). */
export const isLampNegative = (file: string): boolean => file.endsWith('-lamp.jpg');

/** Seconds of the factory clip per split, sampled at 2 frames/s. */
const CLIP_SPANS: Record<Split, [number, number]> = { train: [0, 20], val: [22, 28], test: [30, 37] };
const CLIP_FPS = 2;

/** Frames of the factory clip over [from, to) s as JPEGs under var/ (none if the clip is absent). */
export function clipFrames(split: Split): string[] {
  if (!existsSync(CLIP)) return [];
  const [from, to] = CLIP_SPANS[split];
  const dir = join(SYNTH_DIR, 'clip', split);
  const marker = join(dir, 'done');
  if (!existsSync(marker)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', '-ss', String(from), '-t', String(to - from), '-i', CLIP],
      ...['-vf', `fps=${CLIP_FPS}`, '-q:v', '3', join(dir, 'f%03d.jpg')],
    ]);
    writeFileSync(marker, '');
  }
  return listImages(dir);
}

/** One file per source photo of a Roboflow folder, minus the sources in `held`. */
function onePerSource(files: string[], held: Set<string> = new Set()): string[] {
  const seen = new Set<string>(held);
  return files.filter((f) => {
    const s = roboflowSource(f);
    if (seen.has(s)) return false;
    seen.add(s);
    return true;
  });
}

/** The backgrounds of each split (counts per source are fixed here, chosen before any training). */
export async function backgrounds(): Promise<Record<Split, Background[]>> {
  const fire = await fireSmoke();
  const negs = (l: LabelledImage[]) => l.filter((i) => i.gts.length === 0).map((i) => i.file);
  const [hTrain, hVal, hTest] = await Promise.all([hhw('train'), hhw('val'), hhw('test')]);
  const folder = (set: string, s: string) => listImages(join(DATA, set, s, 'images'));
  const roboflow = (set: string) => {
    const [tr, va, te] = [folder(set, 'train'), folder(set, 'valid'), folder(set, 'test')];
    const held = new Set([...va, ...te].map(roboflowSource));
    return { train: onePerSource(tr, held), val: onePerSource(va), test: onePerSource(te) };
  };
  const sv = roboflow('safety-vest-v4');
  const css = roboflow('construction-site-safety');
  const tag = (source: Source, files: string[]): Background[] => files.map((file) => ({ file, source }));
  return {
    train: [
      ...tag('factory-clip', clipFrames('train')),
      ...tag('fire-smoke-cctv', negs(fire.train)),
      ...tag(
        'hard-hat-workers',
        evenly(hTrain, 120).map((i) => i.file),
      ),
      ...tag('safety-vest-v4', evenly(sv.train, 100)),
      ...tag('construction-site-safety', evenly(css.train, 100)),
    ],
    val: [
      ...tag('factory-clip', clipFrames('val')),
      ...tag('fire-smoke-cctv', negs(fire.val)),
      ...tag(
        'hard-hat-workers',
        hVal.map((i) => i.file),
      ),
      ...tag('safety-vest-v4', evenly(sv.val, 40)),
      ...tag('construction-site-safety', evenly(css.val, 50)),
    ],
    test: [
      ...tag('factory-clip', clipFrames('test')),
      ...tag('fire-smoke-cctv', negs(fire.test)),
      ...tag(
        'hard-hat-workers',
        hTest.map((i) => i.file),
      ),
      ...tag('safety-vest-v4', sv.test),
      ...tag('construction-site-safety', css.test),
    ],
  };
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/**
 * Draws one arc (one in five: two) on `file` with a generator seeded by (seed, file name), so each
 * composite depends on nothing but the seed and its own background.
 */
export async function composite(
  file: string,
  seed: number,
): Promise<{ data: Buffer; width: number; height: number; boxes: [number, number, number, number][] }> {
  const img = await loadRgb(file);
  const rng = makeRng(hash(`${seed}:${basename(file)}`));
  const n = rng() < 0.2 ? 2 : 1;
  const boxes: [number, number, number, number][] = [];
  for (let k = 0; k < n; k++) boxes.push(drawArc(img, randomArc(rng, img.width, img.height), rng));
  return { data: img.data, width: img.width, height: img.height, boxes };
}

/**
 * The negative of a background: half of them as they are, half with one to three lamps or glints drawn
 * (randomLamp), from their own seeded generator.
 */
export async function withLamps(
  file: string,
  seed: number,
): Promise<{ data: Buffer; width: number; height: number } | null> {
  const rng = makeRng(hash(`lamp:${seed}:${basename(file)}`));
  if (rng() < 0.5) return null;
  const img = await loadRgb(file);
  const n = 1 + Math.floor(rng() * 3);
  for (let k = 0; k < n; k++) drawArc(img, randomLamp(rng, img.width, img.height), rng);
  return img;
}

/**
 * The split's images: every composite and lamp negative (written under var/arc-synth/<seed>/<split>/)
 * and the other backgrounds as they are.
 */
export async function arcSplit(
  split: Split,
  bgs: Background[],
  seed: number,
  log: (m: string) => void,
): Promise<ArcImage[]> {
  const dir = join(SYNTH_DIR, `g${GENERATOR}-${seed}`, split);
  const index = join(dir, 'index.json');
  if (existsSync(index)) return JSON.parse(readFileSync(index, 'utf8')) as ArcImage[];
  mkdirSync(dir, { recursive: true });
  const out: ArcImage[] = [];
  const t0 = Date.now();
  for (const [k, bg] of bgs.entries()) {
    const c = await composite(bg.file, seed);
    const file = join(dir, `${bg.source}-${k}-${basename(bg.file).replace(/\.[^.]+$/, '')}.jpg`);
    // JPEG as a camera stream delivers it: the clipped core and the bloom go through the same compression
    await sharp(c.data, { raw: { width: c.width, height: c.height, channels: 3 } })
      .jpeg({ quality: 80 })
      .toFile(file);
    out.push({ file, source: bg.source, gts: c.boxes.map((box) => ({ label: 'arc', box })) });
    const lamp = await withLamps(bg.file, seed);
    if (!lamp) out.push({ file: bg.file, source: bg.source, gts: [] });
    else {
      const neg = file.replace(/\.jpg$/, '-lamp.jpg');
      await sharp(lamp.data, { raw: { width: lamp.width, height: lamp.height, channels: 3 } })
        .jpeg({ quality: 80 })
        .toFile(neg);
      out.push({ file: neg, source: bg.source, gts: [] });
    }
  }
  writeFileSync(index, JSON.stringify(out));
  log(
    `  arc ${split}: ${bgs.length} backgrounds → ${out.length} frames (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
  return out;
}
