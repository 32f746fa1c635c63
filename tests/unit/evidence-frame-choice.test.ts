import { describe, expect, it } from 'vitest';
import { chooseEvidenceFrame, type FrameChoiceOptions } from '../../src/video/evidence/frame-choice.ts';
import { judgeFrame, lumaStats } from '../../src/video/evidence/frame-quality.ts';
import { RecentFrames } from '../../src/video/evidence/recent-frames.ts';
import type { Frame } from '../../src/video/ingest/types.ts';

const W = 64;
const H = 36;
const thresholds = { maxMeanLuma: 24, maxLumaStdDev: 8 };

/** A frame whose pixels are a textured picture (a gradient plus a bright square) or black (with sensor noise). */
function frame(ts: number, look: 'scene' | 'black' | 'grey', seq = ts): Frame {
  const data = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      // deterministic "noise" of ±3 levels, as a dark sensor gives
      const n = (x * 7 + y * 13 + ts) % 7;
      const v =
        look === 'black' ? 4 + n : look === 'grey' ? 60 : x > 20 && x < 30 && y > 10 && y < 20 ? 240 : x * 3;
      data[i] = data[i + 1] = data[i + 2] = v;
    }
  return { cameraId: 'c', ts, seq, width: W, height: H, data };
}

const opts = (o: Partial<FrameChoiceOptions> = {}): FrameChoiceOptions => ({
  windowMs: 1000,
  thresholds,
  proof: 'scene',
  ...o,
});

describe('black-frame test (pure, on pixel buffers)', () => {
  it('measures BT.601 luma', () => {
    const white = Buffer.alloc(W * H * 3, 255);
    expect(lumaStats(white, W, H)).toEqual({ meanLuma: 255, lumaStdDev: 0 });
    const red = Buffer.alloc(W * H * 3);
    for (let i = 0; i < red.length; i += 3) red[i] = 255;
    // integer BT.601 (as ingest's health statistics compute it): within one level of 0.299 × 255
    expect(Math.abs(lumaStats(red, W, H).meanLuma - 0.299 * 255)).toBeLessThan(1);
  });

  it('a dark, flat frame (lens cap, lost signal) is black; a picture, a dark textured one or a flat grey one is not', () => {
    expect(judgeFrame(frame(1, 'black').data, W, H, thresholds)).toMatchObject({
      usable: false,
      reason: 'black',
    });
    expect(judgeFrame(Buffer.alloc(W * H * 3), W, H, thresholds).usable).toBe(false);
    expect(judgeFrame(frame(1, 'scene').data, W, H, thresholds).usable).toBe(true);
    // dark but with edges (a night scene with a lit lamp) still shows something
    const night = Buffer.alloc(W * H * 3, 6);
    for (let i = 0; i < night.length / 8; i++) night[i] = 200;
    expect(judgeFrame(night, W, H, thresholds).usable).toBe(true);
    // flat but not dark: the brief's definition is dark AND flat
    expect(judgeFrame(frame(1, 'grey').data, W, H, thresholds).usable).toBe(true);
  });

  it('refuses a buffer that does not match its size', () => {
    expect(() => lumaStats(Buffer.alloc(10), W, H)).toThrow(/size/);
  });
});

describe('frame choice by timestamp', () => {
  const frames = [0, 333, 667, 1000, 1333, 1667, 2000].map((t) => frame(t, 'scene'));

  it('takes the frame whose time equals the detection, not the newest one', () => {
    const c = chooseEvidenceFrame(frames, 667, opts());
    expect(c).toMatchObject({ kind: 'frame', offsetMs: 0, replaced: null });
    expect(c.kind === 'frame' && c.frame.ts).toBe(667);
  });

  it('a black detection frame is replaced by the nearest good frame in the window, earlier first on a tie', () => {
    const withBlack = frames.map((f) => (f.ts === 1000 ? frame(1000, 'black') : f));
    const c = chooseEvidenceFrame(withBlack, 1000, opts());
    expect(c).toMatchObject({ kind: 'frame', offsetMs: -333, replaced: 'black' });
    const darkBefore = withBlack.map((f) => (f.ts === 667 ? frame(667, 'black') : f));
    expect(chooseEvidenceFrame(darkBefore, 1000, opts())).toMatchObject({ offsetMs: 333, replaced: 'black' });
  });

  it('no good frame within the window: typed "no usable frame" with the detection frame luma, not a picture', () => {
    const dark = frames.map((f) => (f.ts >= 667 && f.ts <= 1333 ? frame(f.ts, 'black') : f));
    const c = chooseEvidenceFrame(dark, 1000, opts({ windowMs: 400 }));
    expect(c).toMatchObject({ kind: 'none', reason: 'no_usable_frame', looked: 3 });
    expect(c.kind === 'none' && c.detectionFrame!.meanLuma).toBeLessThan(24);
    // widen the window: the good frame at 333 ms is within 1000 ms
    expect(chooseEvidenceFrame(dark, 1000, opts({ windowMs: 700 }))).toMatchObject({ offsetMs: -667 });
  });

  it('the camera-fault proof keeps its black frame', () => {
    const black = [frame(0, 'scene'), frame(500, 'black'), frame(1000, 'scene')];
    const c = chooseEvidenceFrame(black, 500, opts({ proof: 'camera_fault' }));
    expect(c).toMatchObject({ kind: 'frame', offsetMs: 0, replaced: null });
    expect(c.kind === 'frame' && judgeFrame(c.frame.data, W, H, thresholds).usable).toBe(false);
  });

  it('the detection frame no longer kept: nearest frame said so, or "frame not kept" when none is near', () => {
    expect(chooseEvidenceFrame(frames, 1100, opts())).toMatchObject({
      kind: 'frame',
      offsetMs: -100,
      replaced: 'not_kept',
    });
    expect(chooseEvidenceFrame(frames, 9000, opts())).toMatchObject({
      kind: 'none',
      reason: 'frame_not_kept',
      looked: 0,
      detectionFrame: null,
    });
  });
});

describe('recent frames', () => {
  it("keeps a camera's last seconds by age and count, and finds frames around a time", () => {
    const r = new RecentFrames(1000, 5);
    for (let t = 0; t <= 3000; t += 250) r.push(frame(t, 'scene'));
    const kept = r.around('c', 2500, 10_000).map((f) => f.ts);
    expect(kept).toEqual([2000, 2250, 2500, 2750, 3000]);
    expect(r.around('c', 2400, 150).map((f) => f.ts)).toEqual([2250, 2500]);
    expect(r.around('other', 2400, 150)).toEqual([]);
    // a clock step back (a restart) starts the camera's list over
    r.push(frame(100, 'scene'));
    expect(r.around('c', 100, 10_000).map((f) => f.ts)).toEqual([100]);
    expect(r.size()).toBe(1);
  });
});
