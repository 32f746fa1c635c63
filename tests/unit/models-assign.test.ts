import { describe, expect, it } from 'vitest';
import { assignLevel, boxTarget, IGNORE, NEGATIVE } from '../../training/head/assign.ts';

const level = { stride: 8, min: 0, max: 64 };

describe('assignLevel', () => {
  it('marks central cells of a fitting box positive and the rest of the box ignored', () => {
    const a = assignLevel([{ cls: 0, box: [0, 0, 48, 48] }], 8, level, 1.5);
    // cell centres 4, 12, ..., 44; box centre 24, radius 1.5 × 8 = 12 → cells 1..4 are positive
    expect(a[2 * 8 + 2]).toBe(0);
    expect(a[0]).toBe(IGNORE);
    expect(a[7 * 8 + 7]).toBe(NEGATIVE);
  });
  it('gives a tiny box the cell holding its centre', () => {
    const a = assignLevel([{ cls: 1, box: [17, 17, 19, 19] }], 8, level);
    expect([...a].filter((v) => v === 0)).toHaveLength(1);
    expect(a[2 * 8 + 2]).toBe(0);
  });
  it('leaves boxes of the wrong size to other levels (ignored, not negative)', () => {
    const a = assignLevel([{ cls: 0, box: [0, 0, 63, 63] }], 8, { stride: 8, min: 0, max: 32 });
    expect([...a].some((v) => v >= 0)).toBe(false);
    expect(a[9]).toBe(IGNORE);
  });
  it('gives a cell inside two boxes to the smaller one', () => {
    const a = assignLevel(
      [
        { cls: 0, box: [0, 0, 40, 40] },
        { cls: 1, box: [8, 8, 24, 24] },
      ],
      8,
      level,
    );
    expect(a[2 * 8 + 2]).toBe(1);
  });
});

describe('boxTarget', () => {
  it('inverts the YOLOX decoding', () => {
    const b: [number, number, number, number] = [10, 20, 40, 36];
    const [tx, ty, tw, th] = boxTarget(b, 3, 3, 8);
    const cx = (tx + 3) * 8;
    const cy = (ty + 3) * 8;
    const w = Math.exp(tw) * 8;
    const h = Math.exp(th) * 8;
    expect([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2].map((v) => Math.round(v * 1e6) / 1e6)).toEqual(b);
  });
});
