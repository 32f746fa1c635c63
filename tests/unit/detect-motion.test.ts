import { describe, expect, it } from 'vitest';
import { MotionGauge } from '../../src/vision/detect/motion.ts';

const W = 640;
const H = 360;

/** A grey frame with seeded noise of ±`noise` levels and, optionally, a dark `box` [x, y, w, h]. */
function frame(grey: number, noise = 0, box?: [number, number, number, number], seed = 1): Uint8Array {
  let s = seed;
  const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const px = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const inBox = box && x >= box[0] && x < box[0] + box[2] && y >= box[1] && y < box[1] + box[3];
      const v = (inBox ? 30 : grey) + Math.round((2 * rand() - 1) * noise);
      px.fill(Math.max(0, Math.min(255, v)), (y * W + x) * 3, (y * W + x) * 3 + 3);
    }
  return px;
}

describe('motion gauge (pure)', () => {
  it('the first frame has nothing to compare with; a still picture never moves, noise included', () => {
    const g = new MotionGauge();
    expect(g.update(frame(128, 10, undefined, 1), W, H)).toBe(0);
    for (let k = 2; k < 8; k++) expect(g.update(frame(128, 10, undefined, k), W, H)).toBe(0);
  });

  it('a person-sized object walking in moves the cells it covers', () => {
    const g = new MotionGauge();
    g.update(frame(128), W, H);
    // 40 × 100 px at (300, 200): 2 × 5 cells of 20 × 20 px
    expect(g.update(frame(128, 0, [300, 200, 40, 100]), W, H)).toBe(10);
  });

  it('an object that stopped fades into the background', () => {
    const g = new MotionGauge();
    g.update(frame(128), W, H);
    const parked = frame(128, 0, [300, 200, 40, 100]);
    const moved: number[] = [];
    for (let k = 0; k < 30; k++) moved.push(g.update(parked, W, H));
    expect(moved[0]).toBe(10);
    expect(moved.at(-1)).toBe(0);
  });

  it('a change of frame size starts again without a false alarm', () => {
    const g = new MotionGauge();
    g.update(frame(128), W, H);
    const small = new Uint8Array(320 * 180 * 3).fill(30);
    expect(g.update(small, 320, 180)).toBe(0);
    expect(g.update(small, 320, 180)).toBe(0);
  });
});
