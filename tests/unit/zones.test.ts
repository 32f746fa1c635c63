import { describe, expect, it } from 'vitest';
import { pointInPolygon, polygonArea2 } from '../../src/supervision/zones/geometry.ts';

describe('pointInPolygon', () => {
  const sq = [
    [0.2, 0.2],
    [0.8, 0.2],
    [0.8, 0.8],
    [0.2, 0.8],
  ] as const;
  it('inside, outside and on the edge', () => {
    expect(pointInPolygon([0.5, 0.5], sq)).toBe(true);
    expect(pointInPolygon([0.1, 0.5], sq)).toBe(false);
    expect(pointInPolygon([0.9, 0.9], sq)).toBe(false);
    expect(pointInPolygon([0.2, 0.5], sq)).toBe(true);
    expect(pointInPolygon([0.8, 0.8], sq)).toBe(true);
  });
  it('handles concave polygons (an L shape)', () => {
    const l = [
      [0, 0],
      [0.5, 0],
      [0.5, 0.5],
      [1, 0.5],
      [1, 1],
      [0, 1],
    ] as const;
    expect(pointInPolygon([0.25, 0.25], l)).toBe(true);
    expect(pointInPolygon([0.75, 0.25], l)).toBe(false);
    expect(pointInPolygon([0.75, 0.75], l)).toBe(true);
  });
  it('detects degenerate polygons', () => {
    expect(
      polygonArea2([
        [0, 0],
        [0.5, 0.5],
        [1, 1],
      ]),
    ).toBe(0);
    expect(Math.abs(polygonArea2(sq))).toBeCloseTo(0.72);
  });
});
