import { describe, expect, it } from 'vitest';
import type { Label } from '../../src/vision/detect/types.ts';
import {
  decodeYolox,
  iou,
  nms,
  yoloxGrid,
  type YoloxDecodeOptions,
} from '../../src/vision/detect/yolox-decode.ts';

// A 32×32 model input: grids 4×4 (stride 8), 2×2 (16), 1×1 (32) = 21 rows; 2 classes → 7 columns.
const COLS = 7;
const ROWS = 21;
const head = () => new Float32Array(ROWS * COLS);
function setRow(out: Float32Array, r: number, v: [number, number, number, number, number, number, number]) {
  out.set(v, r * COLS);
}
const classes = new Map<number, Label>([
  [0, 'person'],
  [1, 'phone'],
]);
const opts = (over: Partial<YoloxDecodeOptions> = {}): YoloxDecodeOptions => ({
  inputWidth: 32,
  inputHeight: 32,
  strides: [8, 16, 32],
  numClasses: 2,
  classes,
  scoreThreshold: 0.3,
  nmsThreshold: 0.45,
  placement: { sx: 0.5, sy: 0.5, ox: 0, oy: 0, width: 64, height: 64 },
  imageWidth: 64,
  imageHeight: 64,
  ...over,
});

describe('yoloxGrid', () => {
  it('lays anchors out per stride, row-major', () => {
    const g = yoloxGrid(32, 32, [8, 16, 32]);
    expect(g.length / 3).toBe(ROWS);
    expect([...g.subarray(0, 3)]).toEqual([0, 0, 8]);
    expect([...g.subarray(5 * 3, 5 * 3 + 3)]).toEqual([1, 1, 8]); // row 5 = (gx 1, gy 1)
    expect([...g.subarray(16 * 3, 16 * 3 + 3)]).toEqual([0, 0, 16]);
    expect([...g.subarray(19 * 3, 19 * 3 + 3)]).toEqual([1, 1, 16]);
    expect([...g.subarray(20 * 3, 20 * 3 + 3)]).toEqual([0, 0, 32]);
  });
});

describe('decodeYolox', () => {
  it('decodes one anchor by hand: grid offset, exp size, obj × cls, undo letterbox', () => {
    const out = head();
    // row 5: gx 1, gy 1, stride 8. cx = (0.5+1)·8 = 12, cy = (0.25+1)·8 = 10, w = e^ln2·8 = 16, h = e^0·8 = 8
    // → model box [4, 6, 20, 14]; scale 0.5 → source [8, 12, 40, 28]; score 0.8 × 0.5 = 0.4
    setRow(out, 5, [0.5, 0.25, Math.log(2), 0, 0.8, 0.5, 0.1]);
    const dets = decodeYolox(out, opts());
    expect(dets).toHaveLength(1); // phone: 0.8 × 0.1 = 0.08 < 0.3
    expect(dets[0]!.label).toBe('person');
    expect(dets[0]!.score).toBeCloseTo(0.4, 6);
    dets[0]!.box.forEach((v, i) => expect(v).toBeCloseTo([8, 12, 40, 28][i]!, 4));
  });

  it('uses the coarser strides for later rows', () => {
    const out = head();
    // row 20: stride 32, gx gy 0: cx = 0.5·32 = 16, cy = 16, w = h = 32 → [0, 0, 32, 32] → source ×2
    setRow(out, 20, [0.5, 0.5, 0, 0, 0.9, 0.9, 0]);
    const [d] = decodeYolox(out, opts());
    d!.box.forEach((v, i) => expect(v).toBeCloseTo([0, 0, 64, 64][i]!, 4));
  });

  it('maps a region offset back (stage-2 crops) and clips to the region', () => {
    const out = head();
    // row 0: cx = cy = 0·8 + 0 = 0 → box [-4, -4, 4, 4] in model pixels, clipped at the region's corner
    setRow(out, 0, [0, 0, 0, 0, 0.9, 0.9, 0]);
    const placement = { sx: 1, sy: 1, ox: 100, oy: 50, width: 32, height: 32 };
    const [d] = decodeYolox(out, opts({ placement, imageWidth: 32, imageHeight: 32 }));
    d!.box.forEach((v, i) => expect(v).toBeCloseTo([100, 50, 104, 54][i]!, 4));
  });

  it('clips boxes reaching into the letterbox padding to the image', () => {
    const out = head();
    // source 64×32 letterboxed at scale 0.5 → only model rows y < 16 hold image. Row 14 (gx 2, gy 3):
    // cx = 16, cy = 24, w = h = 16 → [8, 16, 24, 32] → source [16, 32, 48, 64]: entirely in the
    // padding, so clipping to height 32 leaves nothing and the box is dropped.
    setRow(out, 14, [0, 0, Math.log(2), Math.log(2), 0.9, 0.9, 0]);
    expect(decodeYolox(out, opts({ imageHeight: 32 }))).toEqual([]);
    // row 6 (gx 2, gy 1): cy = 8, h = 16 → model [12, 0, 28, 16] → source y [0, 32] inside; make it taller
    setRow(out, 6, [0, 0, Math.log(2), Math.log(4), 0.9, 0.9, 0]); // h = 32 → model y [-8, 24] → source [-16, 48]
    const [d] = decodeYolox(out, opts({ imageHeight: 32 }));
    expect(d!.box[1]).toBe(0);
    expect(d!.box[3]).toBe(32);
  });

  it('suppresses overlapping boxes of the same label only (class-aware NMS)', () => {
    const out = head();
    setRow(out, 5, [0.5, 0.5, Math.log(2), Math.log(2), 0.9, 0.9, 0.8]); // person 0.81, phone 0.72
    setRow(out, 6, [-0.5, 0.5, Math.log(2), Math.log(2), 0.9, 0.5, 0]); // same box, person 0.45
    setRow(out, 0, [0, 0, 0, 0, 0.9, 0.9, 0]); // far away, person 0.81
    const dets = decodeYolox(out, opts());
    expect(dets.map((d) => d.label).sort()).toEqual(['person', 'person', 'phone']);
    const persons = dets.filter((d) => d.label === 'person').map((d) => d.score);
    persons.forEach((s) => expect(s).toBeCloseTo(0.81, 5)); // the 0.45 duplicate is gone
    expect(dets.map((d) => d.score)).toEqual([...dets.map((d) => d.score)].sort((a, b) => b - a));
  });

  it('ignores unmapped classes and low objectness', () => {
    const out = head();
    setRow(out, 5, [0, 0, 0, 0, 0.2, 1, 1]); // objectness 0.2 < 0.3
    const only = new Map<number, Label>([[1, 'phone']]);
    setRow(out, 6, [0, 0, 0, 0, 0.9, 1, 0]); // person 0.9, but class 0 not mapped
    expect(decodeYolox(out, opts({ classes: only }))).toEqual([]);
  });

  it('refuses an output shorter than the grid', () => {
    expect(() => decodeYolox(new Float32Array(10), opts())).toThrow(/expected 21×7/);
  });
});

describe('iou and nms', () => {
  it('computes intersection over union by hand', () => {
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150, 9);
    expect(iou([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
  });
  it('keeps the best of an overlapping pair and boxes at exactly the threshold', () => {
    const a = {
      label: 'person' as const,
      score: 0.9,
      box: [0, 0, 10, 10] as [number, number, number, number],
    };
    const b = {
      label: 'person' as const,
      score: 0.8,
      box: [1, 0, 11, 10] as [number, number, number, number],
    };
    const c = {
      label: 'person' as const,
      score: 0.7,
      box: [5, 0, 15, 10] as [number, number, number, number],
    };
    expect(nms([b, c, a], 0.45)).toEqual([a, c]); // iou(a,b)=0.82 drops b; iou(a,c)=0.33 keeps c
  });
});
