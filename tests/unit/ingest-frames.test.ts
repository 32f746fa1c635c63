import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/video/sources/backoff.ts';
import { FrameFanout } from '../../src/video/ingest/frame-fanout.ts';
import { frameStats } from '../../src/video/ingest/frame-stats.ts';
import type { Frame } from '../../src/video/ingest/types.ts';

const frame = (seq: number, cameraId = 'cam1'): Frame => ({
  cameraId,
  ts: seq,
  seq,
  width: 2,
  height: 2,
  data: Buffer.alloc(12),
});

describe('FrameFanout', () => {
  it('a busy push consumer keeps only the newest frame and counts the rest as dropped', async () => {
    const f = new FrameFanout();
    const seen: number[] = [];
    let release!: () => void;
    const sub = f.onFrame('cam1', (fr) => {
      seen.push(fr.seq);
      return new Promise<void>((r) => (release = r));
    });
    for (let i = 0; i < 10; i++) f.publish(frame(i));
    expect(seen).toEqual([0]);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(seen).toEqual([0, 9]);
    expect(sub.stats()).toEqual({ dropped: 8, delivered: 2 });
    expect(f.droppedByCamera.get('cam1')).toBe(8);
  });

  it('pull slots hold one frame; "*" sees every camera; other cameras are not delivered', () => {
    const f = new FrameFanout();
    const one = f.slot('cam1');
    const all = f.slot('*');
    f.publish(frame(1));
    f.publish(frame(2, 'cam2'));
    f.publish(frame(3));
    expect(one.take()?.seq).toBe(3);
    expect(one.take()).toBeNull();
    expect(one.dropped).toBe(1);
    expect(all.take()?.seq).toBe(3);
    expect(all.dropped).toBe(2);
    expect(f.latest('cam2')?.seq).toBe(2);
  });

  it('a throwing consumer does not stop delivery', () => {
    const f = new FrameFanout();
    let n = 0;
    f.onFrame('*', () => {
      n++;
      throw new Error('boom');
    });
    f.publish(frame(1));
    f.publish(frame(2));
    expect(n).toBe(2);
  });
});

describe('Backoff', () => {
  it('steps 0.5 s ×10, 1 s ×20, 2 s ×30, then 5 s, and resets', () => {
    const b = new Backoff();
    const d = Array.from({ length: 70 }, () => b.next());
    expect(d.slice(0, 10).every((x) => x === 500)).toBe(true);
    expect(d.slice(10, 30).every((x) => x === 1000)).toBe(true);
    expect(d.slice(30, 60).every((x) => x === 2000)).toBe(true);
    expect(d.slice(60).every((x) => x === 5000)).toBe(true);
    b.reset();
    expect(b.next()).toBe(500);
  });
});

describe('frameStats', () => {
  const img = (w: number, h: number, px: (x: number, y: number) => number) => {
    const b = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) b.fill(px(x, y), (y * w + x) * 3, (y * w + x) * 3 + 3);
    return b;
  };
  it('black is dark and uniform; a gradient is not; identical frames have no change', () => {
    const black = frameStats(
      img(64, 32, () => 0),
      64,
      32,
      null,
    );
    expect(black.meanLuma).toBe(0);
    expect(black.stdLuma).toBe(0);
    expect(black.changed).toBeNull();
    const grad = frameStats(
      img(64, 32, (x) => x * 4),
      64,
      32,
      black.grid,
    );
    expect(grad.meanLuma).toBeGreaterThan(100);
    expect(grad.stdLuma).toBeGreaterThan(60);
    expect(grad.changed).toBeGreaterThan(0.8); // all but the x=0 column
    expect(
      frameStats(
        img(64, 32, (x) => x * 4),
        64,
        32,
        grad.grid,
      ).changed,
    ).toBe(0);
  });
});
