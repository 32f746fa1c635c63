import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  bestF1Threshold,
  confusion,
  frameRates,
  matchImage,
  precisionRecallAt,
} from '../../src/cli/commands/eval-metrics.ts';
import type { GroundTruth } from '../../src/cli/commands/eval-data.ts';
import type { Detection } from '../../src/vision/detect/types.ts';

const gt = (label: GroundTruth['label'], x: number): GroundTruth => ({ label, box: [x, 0, x + 10, 10] });
const det = (label: Detection['label'], score: number, x: number): Detection => ({
  label,
  score,
  box: [x, 0, x + 10, 10],
});

describe('matchImage', () => {
  it('matches each GT at most once, highest score first, IoU ≥ 0.5', () => {
    const m = matchImage(
      [det('head', 0.6, 1), det('head', 0.9, 0), det('head', 0.7, 40), det('helmet', 0.99, 0)],
      [gt('head', 0)],
      'head',
    );
    expect(m).toEqual([
      { score: 0.9, tp: true },
      { score: 0.7, tp: false },
      { score: 0.6, tp: false },
    ]);
  });
});

describe('averagePrecision', () => {
  it('is 1 for a perfect ranking and 0.5 when half the GTs are found', () => {
    expect(
      averagePrecision(
        [
          { score: 0.9, tp: true },
          { score: 0.8, tp: true },
        ],
        2,
      ),
    ).toBe(1);
    expect(averagePrecision([{ score: 0.9, tp: true }], 2)).toBe(0.5);
  });
  it('uses the all-point interpolated curve', () => {
    // TP, FP, TP with 2 GTs: recall 0.5 at precision 1, recall 1 at precision 2/3
    const ap = averagePrecision(
      [
        { score: 0.9, tp: true },
        { score: 0.8, tp: false },
        { score: 0.7, tp: true },
      ],
      2,
    );
    expect(ap).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3));
  });
  it('is NaN without ground truth', () => {
    expect(averagePrecision([], 0)).toBeNaN();
  });
});

describe('thresholds', () => {
  const m = [
    { score: 0.9, tp: true },
    { score: 0.6, tp: false },
    { score: 0.5, tp: true },
    { score: 0.2, tp: false },
  ];
  it('precision and recall at a threshold', () => {
    expect(precisionRecallAt(m, 4, 0.55)).toEqual({ precision: 0.5, recall: 0.25 });
  });
  it('best F1 threshold', () => {
    const b = bestF1Threshold(m, 2);
    expect(b.thr).toBe(0.5);
    expect(b.f1).toBeCloseTo((2 / 3 / (2 / 3 + 1)) * 2);
  });
});

describe('confusion and frame rates', () => {
  it('counts GT → detected label, misses and background detections', () => {
    const c = new Map<string, number>();
    confusion([det('helmet', 0.9, 0), det('head', 0.8, 100)], [gt('head', 0), gt('helmet', 50)], c);
    expect(Object.fromEntries(c)).toEqual({
      'head → helmet': 1,
      'helmet → missed': 1,
      'background → head': 1,
    });
  });
  it('frame recall and false-positive rate', () => {
    const frames = [
      { positive: true, score: 0.9 },
      { positive: true, score: 0.2 },
      { positive: false, score: 0.6 },
      { positive: false, score: 0.1 },
    ];
    expect(frameRates(frames, 0.5)).toEqual({ recall: 0.5, fpRate: 0.5 });
  });
});
