import type { Placement } from './preprocess.ts';
import type { Box, Detection, Label } from './types.ts';

/** Everything the YOLOX decoder needs besides the raw head output (pure: no I/O, no onnxruntime). */
export interface YoloxDecodeOptions {
  inputWidth: number;
  inputHeight: number;
  strides: readonly number[];
  /** columns per row = 5 + numClasses (tx, ty, tw, th, objectness, class scores) */
  numClasses: number;
  /** model class index → project label; other classes are ignored */
  classes: ReadonlyMap<number, Label>;
  scoreThreshold: number;
  nmsThreshold: number;
  /** how model-input pixels map back to source pixels */
  placement: Placement;
  /** the source region's size (placement.width/height): boxes are clipped to it */
  imageWidth: number;
  imageHeight: number;
  maxDetections?: number;
}

/** Anchor-point grid: for row i, its cell (gx, gy) and stride; built once per input size. */
export function yoloxGrid(inputWidth: number, inputHeight: number, strides: readonly number[]): Float32Array {
  let n = 0;
  for (const s of strides) n += Math.floor(inputWidth / s) * Math.floor(inputHeight / s);
  const grid = new Float32Array(n * 3);
  let i = 0;
  for (const s of strides) {
    const gw = Math.floor(inputWidth / s);
    const gh = Math.floor(inputHeight / s);
    for (let gy = 0; gy < gh; gy++)
      for (let gx = 0; gx < gw; gx++) {
        grid[i++] = gx;
        grid[i++] = gy;
        grid[i++] = s;
      }
  }
  return grid;
}

const gridCache = new Map<string, Float32Array>();
function cachedGrid(w: number, h: number, strides: readonly number[]): Float32Array {
  const key = `${w}x${h}/${strides.join(',')}`;
  let g = gridCache.get(key);
  if (!g) gridCache.set(key, (g = yoloxGrid(w, h, strides)));
  return g;
}

/**
 * Decodes a raw YOLOX head ([rows, 5 + C], objectness and class scores already sigmoid-ed):
 * cx = (tx + gx)·s, cy = (ty + gy)·s, w = e^tw·s, h = e^th·s; score = objectness × class score;
 * class-aware NMS (per project label); boxes mapped back to source pixels and clipped.
 */
export function decodeYolox(output: Float32Array, o: YoloxDecodeOptions): Detection[] {
  const grid = cachedGrid(o.inputWidth, o.inputHeight, o.strides);
  const cols = 5 + o.numClasses;
  const rows = grid.length / 3;
  if (output.length < rows * cols)
    throw new Error(`YOLOX output has ${output.length} values, expected ${rows}×${cols}`);
  const { sx, sy, ox, oy } = o.placement;
  const thr = o.scoreThreshold;
  const byLabel = new Map<Label, Detection[]>();
  for (let r = 0; r < rows; r++) {
    const p = r * cols;
    const obj = output[p + 4]!;
    if (obj < thr) continue; // class scores ≤ 1, so score ≤ objectness
    let decoded: Box | undefined;
    for (const [cls, label] of o.classes) {
      const score = obj * output[p + 5 + cls]!;
      if (score < thr) continue;
      if (!decoded) {
        const s = grid[r * 3 + 2]!;
        const cx = (output[p]! + grid[r * 3]!) * s;
        const cy = (output[p + 1]! + grid[r * 3 + 1]!) * s;
        const hw = (Math.exp(output[p + 2]!) * s) / 2;
        const hh = (Math.exp(output[p + 3]!) * s) / 2;
        decoded = [
          clamp((cx - hw) / sx + ox, ox, ox + o.imageWidth),
          clamp((cy - hh) / sy + oy, oy, oy + o.imageHeight),
          clamp((cx + hw) / sx + ox, ox, ox + o.imageWidth),
          clamp((cy + hh) / sy + oy, oy, oy + o.imageHeight),
        ];
        if (decoded[2] - decoded[0] < 1 || decoded[3] - decoded[1] < 1) break; // nothing left after clipping
      }
      let list = byLabel.get(label);
      if (!list) byLabel.set(label, (list = []));
      list.push({ label, score, box: [...decoded] as Box });
    }
  }
  const kept: Detection[] = [];
  for (const list of byLabel.values()) kept.push(...nms(list, o.nmsThreshold));
  kept.sort((a, b) => b.score - a.score);
  return o.maxDetections !== undefined ? kept.slice(0, o.maxDetections) : kept;
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

export function iou(a: Box, b: Box): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy NMS: keep the best, drop every remaining box overlapping it by more than `threshold`. */
export function nms(dets: readonly Detection[], threshold: number): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) if (kept.every((k) => iou(k.box, d.box) <= threshold)) kept.push(d);
  return kept;
}
