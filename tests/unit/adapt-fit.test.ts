import { describe, expect, it } from 'vitest';
import { CellKind, CellSet, HEAD } from '../../src/vision/adapt/cells.ts';
import { cropWindow } from '../../src/vision/adapt/crop.ts';
import { cellLoss, fitScoreRows } from '../../src/vision/adapt/fit.ts';
import type { LastLayer } from '../../src/vision/adapt/head-layer.ts';
import type { HiddenMap } from '../../src/vision/adapt/hidden-features.ts';
import { agreement, decide } from '../../src/vision/adapt/judge.ts';
import { holdBackIndex } from '../../src/vision/adapt/split.ts';

const H = 4;
/** a one-level map whose cell i holds `values[i]` (H hidden values each) */
function mapOf(values: number[][]): HiddenMap {
  const grid = Math.ceil(Math.sqrt(values.length));
  const plane = grid * grid;
  const data = new Float32Array(H * plane);
  values.forEach((v, i) => v.forEach((x, c) => (data[c * plane + i] = x)));
  return { hidden: H, levels: [{ stride: 8, grid, data }], scale: 1, width: 8 * grid, height: 8 * grid };
}
const layer = (): LastLayer => ({ hidden: H, out: 7, w: new Float32Array(7 * H), b: new Float32Array(7) });
const headLogit = (l: LastLayer, x: number[]): number =>
  (l.b[6] as number) + x.reduce((s, v, c) => s + (l.w[6 * H + c] as number) * v, 0);

describe('fitScoreRows (the last layer refitted on site cells)', () => {
  const capLike = [1, 0, 0, 1];
  const bareLike = [0, 1, 1, 0];
  function cells(): CellSet {
    const map = mapOf([capLike, bareLike]);
    const set = new CellSet(H);
    set.push(map, 0, 0, CellKind.SiteNotBareHead, HEAD, 0.8, 1);
    set.push(map, 0, 1, CellKind.SiteBareHead, HEAD, 0.8, 1);
    return set;
  }

  it('lowers the head score of dismissed crops and raises it on confirmed ones', () => {
    const start = layer();
    const fitted = fitScoreRows(start, cells(), { steps: 200, lr: 0.05, anchor: 0.001 });
    expect(headLogit(fitted, capLike)).toBeLessThan(headLogit(start, capLike) - 1);
    expect(headLogit(fitted, bareLike)).toBeGreaterThan(headLogit(start, bareLike) + 1);
    expect(cellLoss(fitted, cells())).toBeLessThan(cellLoss(start, cells()));
  });

  it('never changes the box rows, and a strong anchor keeps the layer near where it started', () => {
    const start = layer();
    const free = fitScoreRows(start, cells(), { steps: 200, lr: 0.05, anchor: 0 });
    const held = fitScoreRows(start, cells(), { steps: 200, lr: 0.05, anchor: 10 });
    expect([...free.w.slice(0, 4 * H)]).toEqual([...start.w.slice(0, 4 * H)]);
    expect([...free.b.slice(0, 4)]).toEqual([...start.b.slice(0, 4)]);
    expect(Math.abs(headLogit(held, capLike))).toBeLessThan(Math.abs(headLogit(free, capLike)));
  });
});

describe('adoption rule', () => {
  it('adopts only when the site figure rises and the shipped one holds within the margin', () => {
    expect(decide({ site: 0.6, shipped: 0.8 }, { site: 0.7, shipped: 0.79 }, 0.02).adopt).toBe(true);
    expect(decide({ site: 0.6, shipped: 0.8 }, { site: 0.6, shipped: 0.85 }, 0.02).adopt).toBe(false);
    const dropped = decide({ site: 0.6, shipped: 0.8 }, { site: 0.9, shipped: 0.77 }, 0.02);
    expect(dropped.adopt).toBe(false);
    expect(dropped.reason).toContain('shipped figure dropped');
  });

  it('agreement is the share of verdicts matching the review', () => {
    expect(
      agreement([
        { said: true, bare: true },
        { said: true, bare: false },
        { said: false, bare: false },
      ]),
    ).toBeCloseTo(2 / 3);
    expect(agreement([])).toBeNaN();
  });
});

describe('held-back crops and crop windows', () => {
  it('holds back every k-th crop, spread over the whole review order', () => {
    expect([...holdBackIndex(10, 0.25)]).toEqual([3, 7]);
    expect(holdBackIndex(3, 0.25).size).toBe(0);
  });

  it('cuts a square of five head sizes around the head, inside the frame', () => {
    // 5 × 20 px = 100 < 96 model px at 0.65 = 148 frame px: the floor wins, centred on the head
    expect(cropWindow(640, 360, [300, 100, 320, 120], 0.65)).toEqual([236, 36, 148, 148]);
    const [x, y, w, h] = cropWindow(640, 360, [0, 0, 30, 30], 0.65);
    expect([x, y]).toEqual([0, 0]);
    expect(w).toBe(h);
    expect(w).toBe(150);
    const big = cropWindow(640, 360, [500, 200, 640, 360], 0.65);
    expect(big[2]).toBe(360); // never more than the frame
    expect(big[0] + big[2]).toBeLessThanOrEqual(640);
  });
});
