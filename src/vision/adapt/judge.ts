/**
 * What decides adoption (pure): the last layer replayed on hidden maps → detections exactly as the
 * runtime decodes them (ppe-postprocess.ts, box voting on), the site's figure on its held-back crops,
 * the shipped figure on the shipped validation photos, and the rule that both must hold.
 */
import { decodeYolox } from '../detect/plugins/ppe-postprocess.ts';
import type { Box, Detection, Label } from '../detect/types.ts';
import { iou } from '../detect/yolox-decode.ts';
import type { LastLayer } from './head-layer.ts';
import { INPUT, type HiddenMap } from './hidden-features.ts';

export const HARDHAT_LABELS: readonly Label[] = ['helmet', 'head'];

/** AP of `label` over photos at IoU ≥ `iouThr` (the evaluation's matching and VOC AP, passed in). */
export type ApOf = (
  photos: readonly { dets: readonly Detection[]; gts: readonly { label: Label; box: Box }[] }[],
  label: Label,
  iouThr: number,
) => number;

/** The raw model output (rows × out, sigmoids on objectness and classes) the layer gives on `map`. */
export function rawOutput(map: HiddenMap, layer: LastLayer): Float32Array {
  const rows = map.levels.reduce((s, l) => s + l.grid * l.grid, 0);
  const out = new Float32Array(rows * layer.out);
  let row = 0;
  for (const lv of map.levels) {
    const plane = lv.grid * lv.grid;
    for (let i = 0; i < plane; i++, row++)
      for (let k = 0; k < layer.out; k++) {
        let a = layer.b[k] as number;
        for (let c = 0; c < layer.hidden; c++)
          a += (layer.w[k * layer.hidden + c] as number) * (lv.data[c * plane + i] as number);
        out[row * layer.out + k] = k < 4 ? a : 1 / (1 + Math.exp(-a));
      }
  }
  return out;
}

/** Detections (source pixels) down to `floor`, decoded as the runtime does. */
export function detectOnMap(map: HiddenMap, layer: LastLayer, floor: number): Detection[] {
  return decodeYolox(rawOutput(map, layer), {
    labels: HARDHAT_LABELS,
    thresholds: { helmet: floor, head: floor },
    strides: map.levels.map((l) => l.stride),
    inputSize: INPUT,
    scale: map.scale,
    srcWidth: map.width,
    srcHeight: map.height,
    nms: 0.45,
    voteIou: 0.5,
  });
}

/** The model's verdict on a crop: is its head box a bare head at the operating threshold? */
export function saysBareHead(dets: readonly Detection[], head: Box, headThreshold: number): boolean {
  return dets.some((d) => d.label === 'head' && d.score >= headThreshold && iou(d.box, head) >= 0.3);
}

/** Share of held-back crops whose verdict agrees with the officer's review. */
export function agreement(verdicts: readonly { said: boolean; bare: boolean }[]): number {
  if (verdicts.length === 0) return NaN;
  return verdicts.filter((v) => v.said === v.bare).length / verdicts.length;
}

export interface Figures {
  /** agreement with the officers on the site's held-back crops */
  site: number;
  /** mean AP@0.5 of helmet and head on the shipped validation photos */
  shipped: number;
}

/** Adopt only if the site's figure rises and the shipped one drops by at most `margin`. */
export function decide(before: Figures, after: Figures, margin: number): { adopt: boolean; reason: string } {
  if (!(after.site > before.site))
    return { adopt: false, reason: `site figure did not rise (${fmt(before.site)} → ${fmt(after.site)})` };
  if (after.shipped < before.shipped - margin)
    return {
      adopt: false,
      reason: `shipped figure dropped by more than ${margin} (${fmt(before.shipped)} → ${fmt(after.shipped)})`,
    };
  return {
    adopt: true,
    reason: `site ${fmt(before.site)} → ${fmt(after.site)}, shipped ${fmt(before.shipped)} → ${fmt(after.shipped)} (margin ${margin})`,
  };
}

const fmt = (v: number): string => v.toFixed(3);
