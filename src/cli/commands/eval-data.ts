/**
 * Labelled image folders for `jianhu eval` and for training: Pascal VOC (xml per image, in the
 * image's folder or in an `annotations/` folder beside or above it) and YOLO (images/… with
 * labels/… txt, class names from data.yaml). Dataset class names map onto the project vocabulary.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Box, Label } from '../../vision/detect/types.ts';

export interface GroundTruth {
  label: Label;
  box: Box;
}
export interface LabelledImage {
  file: string;
  gts: GroundTruth[];
}

/** Dataset class names (lower-case) → project label; `null` = a negative/ignore marker, not an object. */
export const DEFAULT_CLASS_MAP: Record<string, Label | null> = {
  helmet: 'helmet',
  hardhat: 'helmet',
  hard_hat: 'helmet',
  capacete: 'helmet',
  head: 'head',
  sem_capacete: 'head',
  vest: 'vest',
  colete_refletivo: 'vest',
  no_vest: 'no_vest',
  sem_colete_refletivo: 'no_vest',
  fire: 'fire',
  smoke: 'smoke',
  arc: 'arc',
  person: 'person',
  default: null,
  // construction-site-safety: Hardhat (above) is the helmet alone, NO-Hardhat a bare head
  'no-hardhat': 'head',
  'safety vest': 'vest',
  'no-safety vest': 'no_vest',
  mask: null,
  'no-mask': null,
  'safety cone': null,
  machinery: null,
  vehicle: null,
};

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.webp']);

export function listImages(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (IMAGE_EXT.has(extname(name).toLowerCase())) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function mapName(name: string, map: Record<string, Label | null>): Label | null | undefined {
  return map[name.trim().toLowerCase()];
}

/** Parses one VOC xml: every <object> with a known name and a bndbox. */
export function parseVoc(xml: string, map = DEFAULT_CLASS_MAP): GroundTruth[] {
  const gts: GroundTruth[] = [];
  for (const m of xml.matchAll(/<object>([\s\S]*?)<\/object>/g)) {
    const body = m[1] ?? '';
    const name = /<name>([^<]*)<\/name>/.exec(body)?.[1] ?? '';
    const label = mapName(name, map);
    if (!label) continue;
    const num = (tag: string): number => Number(new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(body)?.[1]);
    const box: Box = [num('xmin'), num('ymin'), num('xmax'), num('ymax')];
    if (box.every(Number.isFinite) && box[2] > box[0] && box[3] > box[1]) gts.push({ label, box });
  }
  return gts;
}

/** Parses one YOLO label file (class cx cy w h, normalised) for an image of the given size. */
export function parseYolo(
  txt: string,
  names: readonly string[],
  width: number,
  height: number,
  map = DEFAULT_CLASS_MAP,
): GroundTruth[] {
  const gts: GroundTruth[] = [];
  for (const line of txt.split('\n')) {
    const p = line.trim().split(/\s+/).map(Number);
    if (p.length < 5 || p.some((v) => !Number.isFinite(v))) continue;
    const [c, cx, cy, w, h] = p as [number, number, number, number, number];
    const label = mapName(names[c] ?? '', map);
    if (!label) continue;
    gts.push({
      label,
      box: [(cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width, (cy + h / 2) * height],
    });
  }
  return gts;
}

function findUp(start: string, name: string, levels: number): string | null {
  let d = resolve(start);
  for (let i = 0; i <= levels; i++) {
    const p = join(d, name);
    if (existsSync(p)) return p;
    d = dirname(d);
  }
  return null;
}

export function vocAnnotationFor(image: string): string | null {
  const stem = basename(image, extname(image));
  const beside = join(dirname(image), `${stem}.xml`);
  if (existsSync(beside)) return beside;
  const annDir = findUp(dirname(image), 'annotations', 3);
  const p = annDir ? join(annDir, `${stem}.xml`) : null;
  return p && existsSync(p) ? p : null;
}

export function yoloLabelFor(image: string): string | null {
  const stem = basename(image, extname(image));
  const p = join(dirname(dirname(image)), 'labels', `${stem}.txt`);
  return existsSync(p) ? p : null;
}

export function yoloNamesFor(dir: string): string[] {
  const yaml = findUp(dir, 'data.yaml', 3);
  if (!yaml) return [];
  const doc = parseYaml(readFileSync(yaml, 'utf8')) as { names?: string[] | Record<string, string> };
  const names = doc.names ?? [];
  return Array.isArray(names) ? names : Object.values(names);
}

/**
 * Reads every labelled image under `dir`. `sizeOf` gives an image's size (YOLO boxes are
 * normalised). Images without an annotation file are skipped (not counted as negatives).
 */
export async function readLabelledFolder(
  dir: string,
  format: 'voc' | 'yolo',
  sizeOf: (file: string) => Promise<{ width: number; height: number }>,
  map = DEFAULT_CLASS_MAP,
): Promise<LabelledImage[]> {
  const images = listImages(dir);
  const names = format === 'yolo' ? yoloNamesFor(dir) : [];
  const out: LabelledImage[] = [];
  for (const file of images) {
    if (format === 'voc') {
      const ann = vocAnnotationFor(file);
      if (ann) out.push({ file, gts: parseVoc(readFileSync(ann, 'utf8'), map) });
    } else {
      const lbl = yoloLabelFor(file);
      if (!lbl) continue;
      const { width, height } = await sizeOf(file);
      out.push({ file, gts: parseYolo(readFileSync(lbl, 'utf8'), names, width, height, map) });
    }
  }
  return out;
}
