/**
 * Pure post-processing shared by our own YOLOX-layout heads (hard hat, fire/smoke): decoding the raw
 * head rows, per-class thresholds, IoU and class-wise NMS. No I/O, so it is unit-tested directly.
 */
import type { Box, Detection, Label } from '../types.ts';
import { iou } from '../yolox-decode.ts';

export { iou };

/** Greedy NMS per label: keeps the best box, drops same-label boxes overlapping it above `iouThr`. */
export function nms(dets: Detection[], iouThr: number): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (kept.every((k) => k.label !== d.label || iou(k.box, d.box) <= iouThr)) kept.push(d);
  }
  return kept;
}

export interface YoloxDecodeOptions {
  /** model class index → label */
  labels: readonly Label[];
  /** minimum score per label (score = objectness × class probability) */
  thresholds: Partial<Record<Label, number>>;
  strides: readonly number[];
  /** model input side (a square input) … */
  inputSize: number;
  /** … or, for a fitted input (onnx-dynamic-input.ts), its width and height */
  inputWidth?: number;
  inputHeight?: number;
  /** letterbox scale: model pixels per source pixel */
  scale: number;
  srcWidth: number;
  srcHeight: number;
  nms: number;
  /**
   * Box voting (off when absent): every box NMS keeps takes the score-weighted mean of all candidate
   * boxes (any label, score ≥ `voteFloor`) that overlap it by IoU ≥ `voteIou`. Neighbouring cells
   * each predict the same head a little differently; their mean sits closer to it than the single
   * best-scoring cell's box. Scores and labels are unchanged.
   */
  voteIou?: number;
  /** lowest candidate score that votes (default 0.05); independent of the reporting thresholds, so a
   * box is placed the same whatever threshold the caller reports at */
  voteFloor?: number;
}

/**
 * Decodes a raw YOLOX head ([rows, 5 + classes]: tx, ty, tw, th, objectness, class scores; sigmoids
 * already applied to objectness and classes) into source-image detections.
 */
export function decodeYolox(raw: Float32Array, o: YoloxDecodeOptions): Detection[] {
  const nc = o.labels.length;
  const cols = 5 + nc;
  const voteFloor = o.voteFloor ?? 0.05;
  const minReport = Math.min(...o.labels.map((l) => o.thresholds[l] ?? 1));
  const minThr = o.voteIou === undefined ? minReport : Math.min(minReport, voteFloor);
  const out: Detection[] = [];
  const voters: Detection[] = [];
  let row = 0;
  for (const s of o.strides) {
    const gw = Math.round((o.inputWidth ?? o.inputSize) / s);
    const gh = Math.round((o.inputHeight ?? o.inputSize) / s);
    for (let gy = 0; gy < gh; gy++) {
      for (let gx = 0; gx < gw; gx++, row++) {
        const base = row * cols;
        const obj = raw[base + 4] as number;
        if (obj < minThr) continue;
        let best = 0;
        let bestScore = -1;
        for (let c = 0; c < nc; c++) {
          const sc = obj * (raw[base + 5 + c] as number);
          if (sc > bestScore) {
            bestScore = sc;
            best = c;
          }
        }
        const label = o.labels[best] as Label;
        if (bestScore < minThr) continue;
        const cx = ((raw[base] as number) + gx) * s;
        const cy = ((raw[base + 1] as number) + gy) * s;
        const w = Math.exp(Math.min(raw[base + 2] as number, 10)) * s;
        const h = Math.exp(Math.min(raw[base + 3] as number, 10)) * s;
        const box = inImage(
          [(cx - w / 2) / o.scale, (cy - h / 2) / o.scale, (cx + w / 2) / o.scale, (cy + h / 2) / o.scale],
          o,
        );
        if (box[2] - box[0] < 1 || box[3] - box[1] < 1) continue;
        const d = { label, score: bestScore, box };
        if (o.voteIou !== undefined && bestScore >= voteFloor) voters.push(d);
        if (bestScore >= (o.thresholds[label] ?? 1)) out.push(d);
      }
    }
  }
  const kept = nms(out, o.nms);
  if (o.voteIou === undefined) return kept;
  const vIou = o.voteIou;
  // a mean of boxes inside the image can still round past its edge: clamp again
  return kept.map((k) => {
    const v = voteBox(k, voters, vIou);
    return { ...v, box: inImage(v.box, o) };
  });
}

/** `b` clamped to the source image. */
function inImage(b: Box, o: Pick<YoloxDecodeOptions, 'srcWidth' | 'srcHeight'>): Box {
  return [
    clamp(b[0], 0, o.srcWidth),
    clamp(b[1], 0, o.srcHeight),
    clamp(b[2], 0, o.srcWidth),
    clamp(b[3], 0, o.srcHeight),
  ];
}

/** `kept` with its box replaced by the score-weighted mean of the voters overlapping it by ≥ iouThr. */
export function voteBox(kept: Detection, voters: readonly Detection[], iouThr: number): Detection {
  const sum = [0, 0, 0, 0];
  let weight = 0;
  for (const v of voters) {
    if (iou(v.box, kept.box) < iouThr) continue;
    for (let j = 0; j < 4; j++) sum[j] = (sum[j] as number) + v.score * (v.box[j] as number);
    weight += v.score;
  }
  return weight > 0 ? { ...kept, box: sum.map((v) => v / weight) as Box } : kept;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Letterbox geometry: the image is scaled to fit `size` and placed in the top-left corner. */
export function letterboxGeometry(
  width: number,
  height: number,
  size: number,
): { scale: number; w: number; h: number } {
  const scale = Math.min(size / width, size / height);
  return { scale, w: Math.max(1, Math.round(width * scale)), h: Math.max(1, Math.round(height * scale)) };
}
