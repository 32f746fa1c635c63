import { describe, expect, it } from 'vitest';
import {
  decodeYolox,
  iou,
  letterboxGeometry,
  nms,
  voteBox,
} from '../../src/vision/detect/plugins/ppe-postprocess.ts';
import type { Detection } from '../../src/vision/detect/types.ts';

describe('iou', () => {
  it('is 1 for identical boxes, 0 for disjoint, 1/7 for half-overlapping squares', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150);
    expect(iou([0, 0, 0, 0], [0, 0, 0, 0])).toBe(0);
  });
});

describe('nms', () => {
  const d = (label: Detection['label'], score: number, x: number): Detection => ({
    label,
    score,
    box: [x, 0, x + 10, 10],
  });
  it('keeps the best of overlapping same-label boxes and every other label', () => {
    const out = nms(
      [d('helmet', 0.5, 1), d('helmet', 0.9, 0), d('head', 0.4, 0), d('helmet', 0.3, 50)],
      0.45,
    );
    expect(out.map((x) => [x.label, x.score])).toEqual([
      ['helmet', 0.9],
      ['head', 0.4],
      ['helmet', 0.3],
    ]);
  });
});

describe('decodeYolox', () => {
  // one 2x2 grid at stride 8 (input 16): 4 rows of [tx, ty, tw, th, obj, c0, c1]
  const rows = (cells: number[][]) => Float32Array.from(cells.flat());
  const base = {
    labels: ['helmet', 'head'] as const,
    strides: [8],
    inputSize: 16,
    srcWidth: 32,
    srcHeight: 32,
    nms: 0.45,
  };
  it('decodes a cell into source pixels (divides by the letterbox scale) and applies per-class thresholds', () => {
    const raw = rows([
      [0.5, 0.5, 0, 0, 0.9, 0.1, 0.8], // cell (0,0): head 0.72, centre (4,4), 8x8
      [0, 0, 0, 0, 0.01, 1, 0],
      [0, 0, 0, 0, 0.9, 0.9, 0.1], // cell (0,1): helmet 0.81
      [0, 0, 0, 0, 0.5, 0.5, 0.1],
    ]);
    const out = decodeYolox(raw, {
      ...base,
      labels: [...base.labels],
      thresholds: { helmet: 0.85, head: 0.7 },
      scale: 0.5,
    });
    expect(out).toHaveLength(1);
    expect(out[0]?.label).toBe('head');
    expect(out[0]?.score).toBeCloseTo(0.72);
    expect(out[0]?.box).toEqual([0, 0, 16, 16]);
    const lower = decodeYolox(raw, {
      ...base,
      labels: [...base.labels],
      thresholds: { helmet: 0.8, head: 0.7 },
      scale: 0.5,
    });
    expect(lower.map((x) => x.label).sort()).toEqual(['head', 'helmet']);
  });
  it('clips boxes to the image', () => {
    const raw = rows([
      [0, 0, 3, 3, 1, 1, 0],
      [0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0],
    ]);
    const [d] = decodeYolox(raw, {
      ...base,
      labels: [...base.labels],
      thresholds: { helmet: 0.5, head: 0.5 },
      scale: 1,
    });
    expect(d?.box).toEqual([0, 0, 32, 32]);
  });
});

describe('box voting', () => {
  // one 2x2 grid at stride 8 (input 16), scale 1; every cell predicts an 8x8 box
  const raw = (cells: number[][]) => Float32Array.from(cells.flat());
  const opts = {
    labels: ['helmet', 'head'] as ('helmet' | 'head')[],
    strides: [8],
    inputSize: 16,
    srcWidth: 32,
    srcHeight: 32,
    nms: 0.45,
    scale: 1,
  };
  const cells = raw([
    [0.5, 0.5, 0, 0, 0.9, 1, 0], // (0,0): helmet 0.9, box centred (4,4) → [0,0,8,8]
    [0.5, 0.5, 0, 0, 0.3, 0.2, 0.8], // (1,0): head 0.24, centre (12,4) → [8,0,16,8]: no overlap
    [0.75, -0.25, 0, 0, 0.6, 1, 0], // (0,1): helmet 0.6, centre (6,6) → [2,2,10,10]: IoU 0.39
    [0, 0, 0, 0, 0.02, 1, 0], // (1,1): 0.02, under the vote floor
  ]);
  it('moves a kept box to the score-weighted mean of the candidates overlapping it, scores unchanged', () => {
    const plain = decodeYolox(cells, { ...opts, thresholds: { helmet: 0.7, head: 0.7 } });
    expect(plain).toEqual([{ label: 'helmet', score: expect.closeTo(0.9, 6), box: [0, 0, 8, 8] }]);
    const voted = decodeYolox(cells, { ...opts, thresholds: { helmet: 0.7, head: 0.7 }, voteIou: 0.3 });
    // (0.9·[0,0,8,8] + 0.6·[2,2,10,10]) / 1.5 = [0.8, 0.8, 8.8, 8.8]
    expect(voted).toHaveLength(1);
    expect(voted[0]?.score).toBeCloseTo(0.9, 6);
    voted[0]?.box.forEach((v, i) => expect(v).toBeCloseTo([0.8, 0.8, 8.8, 8.8][i] as number, 5));
  });
  it('places a box the same whatever threshold the caller reports at', () => {
    const low = decodeYolox(cells, { ...opts, thresholds: { helmet: 0.01, head: 0.01 }, voteIou: 0.3 });
    const high = decodeYolox(cells, { ...opts, thresholds: { helmet: 0.7, head: 0.7 }, voteIou: 0.3 });
    expect(low.find((d) => d.score > 0.8)?.box).toEqual(high[0]?.box);
  });
  it('voteBox leaves a box alone when nothing overlaps it enough', () => {
    const k = { label: 'helmet' as const, score: 0.9, box: [0, 0, 8, 8] as [number, number, number, number] };
    expect(voteBox(k, [{ ...k, box: [20, 20, 28, 28] }], 0.5)).toEqual(k);
  });
});

describe('letterboxGeometry', () => {
  it('fits the longer side', () => {
    expect(letterboxGeometry(832, 416, 416)).toEqual({ scale: 0.5, w: 416, h: 208 });
    expect(letterboxGeometry(100, 200, 416)).toEqual({ scale: 2.08, w: 208, h: 416 });
  });
});
