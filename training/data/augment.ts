/**
 * Photometric and geometric augmentation for training (seeded). The gap to other sites' cameras is
 * what hurts these models most, so every training image is also seen rescaled, cropped, zoomed out,
 * flipped, recoloured, darkened, blurred, noised and JPEG-recompressed.
 */
import sharp, { type Sharp } from 'sharp';
import type { RgbImage } from '../../src/vision/detect/types.ts';
import { uniform, type Rng } from '../head/rng.ts';

export interface Img extends RgbImage {
  data: Buffer;
}
export interface AugBox {
  cls: number;
  box: [number, number, number, number];
}

export async function loadRgb(file: string): Promise<Img> {
  const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

const raw = (img: Img) => sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });

async function toImg(s: Sharp): Promise<Img> {
  const { data, info } = await s.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** Crops/pads to a random window; boxes are shifted and clipped, and dropped when mostly cut off. */
async function reframe(img: Img, boxes: AugBox[], rng: Rng): Promise<{ img: Img; boxes: AugBox[] }> {
  const zoomOut = rng() < 0.35;
  const f = zoomOut ? uniform(rng, 1.1, 2.0) : uniform(rng, 0.55, 1.0);
  const cw = Math.max(16, Math.round(img.width * f * uniform(rng, 0.85, 1.15)));
  const ch = Math.max(16, Math.round(img.height * f));
  const ox = Math.round(uniform(rng, Math.min(0, img.width - cw), Math.max(0, img.width - cw)));
  const oy = Math.round(uniform(rng, Math.min(0, img.height - ch), Math.max(0, img.height - ch)));
  const left = Math.max(0, ox);
  const top = Math.max(0, oy);
  const w = Math.min(img.width, ox + cw) - left;
  const h = Math.min(img.height, oy + ch) - top;
  const fill = Math.round(uniform(rng, 40, 200));
  const out = await toImg(
    raw(img)
      .extract({ left, top, width: w, height: h })
      .extend({
        left: left - ox,
        top: top - oy,
        right: ox + cw - (left + w),
        bottom: oy + ch - (top + h),
        background: { r: fill, g: fill, b: fill },
      }),
  );
  const kept: AugBox[] = [];
  for (const b of boxes) {
    const [x1, y1, x2, y2] = b.box.map((v, i) => v - (i % 2 === 0 ? ox : oy)) as [number, number, number, number];
    const cx1 = Math.max(0, x1);
    const cy1 = Math.max(0, y1);
    const cx2 = Math.min(cw, x2);
    const cy2 = Math.min(ch, y2);
    const vis = ((cx2 - cx1) * (cy2 - cy1)) / ((x2 - x1) * (y2 - y1));
    if (cx2 > cx1 && cy2 > cy1 && vis >= 0.6) kept.push({ cls: b.cls, box: [cx1, cy1, cx2, cy2] });
  }
  return { img: out, boxes: kept };
}

function colour(img: Img, rng: Rng): void {
  const gain = uniform(rng, 0.45, 1.4);
  const contrast = uniform(rng, 0.6, 1.3);
  const sat = rng() < 0.12 ? 0 : uniform(rng, 0.5, 1.4);
  const ch = [uniform(rng, 0.88, 1.12), uniform(rng, 0.88, 1.12), uniform(rng, 0.88, 1.12)];
  const noise = rng() < 0.25 ? uniform(rng, 2, 10) : 0;
  const d = img.data;
  for (let i = 0; i < d.length; i += 3) {
    const r = d[i] as number;
    const g = d[i + 1] as number;
    const b = d[i + 2] as number;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    for (let c = 0; c < 3; c++) {
      const v0 = c === 0 ? r : c === 1 ? g : b;
      let v = y + (v0 - y) * sat;
      v = ((v - 128) * contrast + 128) * gain * (ch[c] as number);
      if (noise > 0) v += (rng() - 0.5) * 2 * noise;
      d[i + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}

/** One augmented copy of `img` with its boxes (model-class indices, source pixels). */
export async function augment(img: Img, boxes: AugBox[], rng: Rng): Promise<{ img: Img; boxes: AugBox[] }> {
  let cur = rng() < 0.8 ? await reframe(img, boxes, rng) : { img: { ...img, data: Buffer.from(img.data) }, boxes };
  if (rng() < 0.5) {
    const w = cur.img.width;
    cur = {
      img: await toImg(raw(cur.img).flop()),
      boxes: cur.boxes.map((b) => ({ cls: b.cls, box: [w - b.box[2], b.box[1], w - b.box[0], b.box[3]] })),
    };
  }
  colour(cur.img, rng);
  let s = raw(cur.img);
  if (rng() < 0.3) {
    // low resolution camera: shrink then enlarge again
    const f = uniform(rng, 0.35, 0.7);
    const small = await toImg(s.resize(Math.max(8, Math.round(cur.img.width * f)), Math.max(8, Math.round(cur.img.height * f))));
    s = raw(small).resize(cur.img.width, cur.img.height, { fit: 'fill' });
  }
  if (rng() < 0.3) s = sharp(await s.blur(uniform(rng, 0.4, 1.6)).png().toBuffer());
  if (rng() < 0.5) s = sharp(await s.jpeg({ quality: Math.round(uniform(rng, 20, 85)) }).toBuffer());
  return { img: await toImg(s), boxes: cur.boxes };
}
