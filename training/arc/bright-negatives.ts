/**
 * The held-out backgrounds most likely to pass for an arc: those with small clipped-white highlights
 * (lamps, sun glints on metal or glass, bright windows), ranked by the share of pixels with every
 * channel ≥ 245, between 0.02 % and 8 % of the frame (more is a white sky or a blown-out frame). Used
 * for the card's "bright lights" row (real frames only: not the negatives with drawn lamps). No labels needed: none of them shows welding.
 */
import { loadRgb } from '../data/augment.ts';
import { isLampNegative, type ArcImage } from './arc-data.ts';

export async function clippedShare(file: string): Promise<number> {
  const img = await loadRgb(file);
  let n = 0;
  for (let i = 0; i < img.data.length; i += 3)
    if (
      (img.data[i] as number) >= 245 &&
      (img.data[i + 1] as number) >= 245 &&
      (img.data[i + 2] as number) >= 245
    )
      n++;
  return n / (img.width * img.height);
}

export async function brightNegatives(
  images: readonly ArcImage[],
): Promise<{ file: string; source: string; share: number }[]> {
  const out: { file: string; source: string; share: number }[] = [];
  for (const i of images) {
    if (i.gts.length > 0 || isLampNegative(i.file)) continue;
    const share = await clippedShare(i.file);
    if (share >= 0.0002 && share <= 0.08) out.push({ file: i.file, source: i.source, share });
  }
  return out.sort((a, b) => b.share - a.share);
}
