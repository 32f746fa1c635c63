/**
 * Training cells for the last layer (pure): each is a grid cell's hidden values with what it should say.
 * Cells of the shipped photos keep the model what it was (positives: objectness = the IoU its fixed box
 * reaches, and the class; sampled background cells: no object); cells of the site's reviewed crops teach
 * it the site: a confirmed bare head (确认违章) → `head`, a dismissed one (误报驳回) → not `head` (it was a
 * hard hat, other headwear read wrongly, or no head at all: only the `head` score is taught).
 */
import type { Box } from '../detect/types.ts';
import { assignLevel, NEGATIVE, type LevelRange } from './assign.ts';
import type { LastLayer } from './head-layer.ts';
import type { HiddenMap } from './hidden-features.ts';

/** Head sizes per level (model pixels), as the hard-hat model was trained (models/ppe-hardhat.card.md). */
export const HEAD_LEVELS: readonly LevelRange[] = [
  { stride: 8, min: 0, max: 48 },
  { stride: 16, min: 24, max: 112 },
  { stride: 32, min: 80, max: 1e9 },
];
export const HELMET = 0;
export const HEAD = 1;

export const CellKind = {
  ShippedObject: 0,
  ShippedBackground: 1,
  SiteBareHead: 2,
  SiteNotBareHead: 3,
} as const;
export type CellKind = (typeof CellKind)[keyof typeof CellKind];

export class CellSet {
  n = 0;
  private cap = 4096;
  x: Float32Array;
  kind = new Uint8Array(this.cap);
  cls = new Int8Array(this.cap);
  /** objectness target of an object cell: the IoU its (unchanged) box reaches */
  iou = new Float32Array(this.cap);
  /** loss weight (a sampled background cell stands for 1 / rate of them) */
  w = new Float32Array(this.cap);

  constructor(readonly hidden: number) {
    this.x = new Float32Array(this.cap * hidden);
  }

  push(
    map: HiddenMap,
    level: number,
    cell: number,
    kind: CellKind,
    cls: number,
    iou: number,
    w: number,
  ): void {
    if (this.n === this.cap) this.grow();
    const lv = map.levels[level]!;
    const plane = lv.grid * lv.grid;
    const o = this.n * this.hidden;
    for (let c = 0; c < this.hidden; c++) this.x[o + c] = lv.data[c * plane + cell] as number;
    this.kind[this.n] = kind;
    this.cls[this.n] = cls;
    this.iou[this.n] = iou;
    this.w[this.n] = w;
    this.n++;
  }

  private grow(): void {
    this.cap *= 2;
    const g = <T extends Float32Array | Uint8Array | Int8Array>(a: T, k: number): T => {
      const b = new (a.constructor as new (n: number) => T)(this.cap * k);
      b.set(a);
      return b;
    };
    this.x = g(this.x, this.hidden);
    this.kind = g(this.kind, 1);
    this.cls = g(this.cls, 1);
    this.iou = g(this.iou, 1);
    this.w = g(this.w, 1);
  }

  /** Total weight of the cells of one kind. */
  weightOf(kind: CellKind): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) if (this.kind[i] === kind) s += this.w[i] as number;
    return s;
  }
}

/** IoU of the box a cell predicts (the layer's rows 0–3 on its hidden values) with its target. */
export function cellIou(layer: LastLayer, map: HiddenMap, level: number, cell: number, target: Box): number {
  const lv = map.levels[level]!;
  const plane = lv.grid * lv.grid;
  const z = [0, 0, 0, 0];
  for (let k = 0; k < 4; k++) {
    let a = layer.b[k] as number;
    for (let c = 0; c < layer.hidden; c++)
      a += (layer.w[k * layer.hidden + c] as number) * (lv.data[c * plane + cell] as number);
    z[k] = a;
  }
  const gx = cell % lv.grid;
  const gy = Math.floor(cell / lv.grid);
  const s = lv.stride;
  const cx = ((z[0] as number) + gx) * s;
  const cy = ((z[1] as number) + gy) * s;
  const w = Math.exp(Math.min(z[2] as number, 10)) * s;
  const h = Math.exp(Math.min(z[3] as number, 10)) * s;
  const ix = Math.max(0, Math.min(cx + w / 2, target[2]) - Math.max(cx - w / 2, target[0]));
  const iy = Math.max(0, Math.min(cy + h / 2, target[3]) - Math.max(cy - h / 2, target[1]));
  const inter = ix * iy;
  const union = w * h + (target[2] - target[0]) * (target[3] - target[1]) - inter;
  return union > 0 ? inter / union : 0;
}

const toModel = (b: Box, scale: number): Box => [b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale];

/**
 * A shipped photo's cells: every positive cell of its helmet/head boxes, and background cells sampled
 * at `negRate` (weighted 1 / negRate, so the loss sees background at its true share).
 */
export function addPhotoCells(
  set: CellSet,
  map: HiddenMap,
  layer: LastLayer,
  gts: readonly { cls: number; box: Box }[],
  negRate: number,
  rng: () => number,
): void {
  const boxes = gts.map((g) => ({ cls: g.cls, box: toModel(g.box, map.scale) }));
  map.levels.forEach((lv, l) => {
    const assign = assignLevel(boxes, lv.grid, HEAD_LEVELS[l]!);
    for (let i = 0; i < assign.length; i++) {
      const a = assign[i] as number;
      if (a === NEGATIVE) {
        if (rng() < negRate) set.push(map, l, i, CellKind.ShippedBackground, -1, 0, 1 / negRate);
      } else if (a >= 0) {
        const g = boxes[a]!;
        set.push(map, l, i, CellKind.ShippedObject, g.cls, cellIou(layer, map, l, i, g.box), 1);
      }
    }
  });
}

/** A reviewed crop's cells: the positive cells of its head box (crop pixels), labelled by the review. */
export function addCropCells(
  set: CellSet,
  map: HiddenMap,
  layer: LastLayer,
  head: Box,
  bare: boolean,
  w: number,
): number {
  const box = toModel(head, map.scale);
  let added = 0;
  map.levels.forEach((lv, l) => {
    const assign = assignLevel([{ cls: HEAD, box }], lv.grid, HEAD_LEVELS[l]!);
    for (let i = 0; i < assign.length; i++) {
      if (assign[i] !== 0) continue;
      const kind = bare ? CellKind.SiteBareHead : CellKind.SiteNotBareHead;
      set.push(map, l, i, kind, HEAD, cellIou(layer, map, l, i, box), w);
      added++;
    }
  });
  return added;
}
