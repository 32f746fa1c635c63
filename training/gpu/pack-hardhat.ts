/**
 * `npm run train:ppe-hardhat:pack`: writes what the fine-tuning trainer (finetune_hardhat.py) reads into
 * `.gpu/hardhat/` — YOLOX-Nano's graph as JSON plus its weights, and the training and validation photos
 * of the same splits as the CPU trainer (training/datasets.ts), shrunk to at most 416 px (the model's
 * input) and re-encoded, so the folder is small enough to carry to a GPU machine. The test splits are
 * not written: they stay here, read only by the finishing step (finish-finetuned.ts).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { LabelledImage } from '../../src/cli/commands/eval-data.ts';
import { PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import { readModel } from '../../src/vision/detect/onnx/onnx-model.ts';
import { hhw, safetyVest } from '../datasets.ts';
import { checkYolox } from '../head/train-yolox-head.ts';
import { INPUT_SIZE, YOLOX_FILE } from '../onnx/yolox-features.ts';

export const PACK_DIR = join(PROJECT_ROOT, '.gpu', 'hardhat');
export const HARDHAT_LABELS = ['helmet', 'head'] as const;
const FLOAT = 1;
const INT64 = 7;

/** YOLOX-Nano as nodes (JSON) and initializers (one little-endian blob, float32 or int64). */
export function packGraph(dir: string): void {
  const m = readModel(join(PROJECT_ROOT, YOLOX_FILE));
  const parts: Buffer[] = [];
  let offset = 0;
  const initializers = m.graph.initializer.map((t) => {
    if (t.dataType !== FLOAT && t.dataType !== INT64) throw new Error(`${t.name}: data type ${t.dataType}`);
    const bytes = Buffer.from(t.rawData);
    const entry = { name: t.name, dims: t.dims, type: t.dataType === FLOAT ? 'float32' : 'int64', offset };
    parts.push(bytes);
    offset += bytes.length;
    return entry;
  });
  const nodes = m.graph.node.map((n) => ({
    op: n.opType,
    inputs: n.input,
    outputs: n.output,
    attrs: Object.fromEntries(
      n.attribute.map((a) => [
        a.name,
        a.type === 7
          ? a.ints
          : a.type === 2
            ? a.i
            : a.type === 1
              ? a.f
              : Buffer.from((a as { s?: number[] }).s ?? []).toString(),
      ]),
    ),
  }));
  writeFileSync(join(dir, 'weights.bin'), Buffer.concat(parts));
  writeFileSync(join(dir, 'graph.json'), JSON.stringify({ nodes, initializers }));
}

interface PackedImage {
  file: string;
  /** [x1, y1, x2, y2, class index] in the packed file's pixels */
  boxes: number[][];
  /** times the photo is drawn per epoch */
  repeat: number;
}

export async function packImages(
  dir: string,
  list: LabelledImage[],
  tag: string,
  repeat: (i: LabelledImage) => number,
  labels: readonly string[] = HARDHAT_LABELS,
) {
  const out: PackedImage[] = [];
  for (const [k, img] of list.entries()) {
    const meta = await sharp(img.file).metadata();
    const [width, height] = [meta.width ?? 1, meta.height ?? 1];
    const scale = Math.min(1, INPUT_SIZE / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const file = `${tag}-${String(k).padStart(4, '0')}.jpg`;
    await sharp(img.file)
      .removeAlpha()
      .resize(w, h, { fit: 'fill' })
      .jpeg({ quality: Number(process.env.JH_PACK_QUALITY ?? 70), mozjpeg: true })
      .toFile(join(dir, 'img', file));
    const sx = w / width;
    const sy = h / height;
    const boxes = img.gts
      .filter((g) => labels.includes(g.label))
      .map((g) => [g.box[0] * sx, g.box[1] * sy, g.box[2] * sx, g.box[3] * sy, labels.indexOf(g.label)]);
    out.push({ file, boxes, repeat: repeat(img) });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  checkYolox();
  rmSync(PACK_DIR, { recursive: true, force: true });
  mkdirSync(join(PACK_DIR, 'img'), { recursive: true });
  packGraph(PACK_DIR);
  const [hTrain, hVal, sv] = await Promise.all([hhw('train'), hhw('val'), safetyVest()]);
  // safety-vest-v4's train/ already holds 3 augmented copies of each photo: its files are drawn once per
  // epoch, hard-hat-workers' photos 3 times, as in the CPU trainer (1 original + 2 augmented copies)
  const train = [
    ...(await packImages(PACK_DIR, hTrain, 'hhw-train', () => 3)),
    ...(await packImages(PACK_DIR, sv.train, 'sv-train', () => 1)),
  ];
  const val = [
    ...(await packImages(PACK_DIR, hVal, 'hhw-val', () => 1)),
    ...(await packImages(PACK_DIR, sv.val, 'sv-val', () => 1)),
  ];
  writeFileSync(join(PACK_DIR, 'labels.json'), JSON.stringify({ labels: HARDHAT_LABELS, train, val }));
  console.log(`packed ${train.length} training and ${val.length} validation photos into ${PACK_DIR}`);
}
