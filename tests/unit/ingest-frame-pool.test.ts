import { describe, expect, it } from 'vitest';
import { FrameFanout } from '../../src/video/ingest/frame-fanout.ts';
import { FramePool } from '../../src/video/ingest/frame-pool.ts';
import type { Frame } from '../../src/video/ingest/types.ts';

/** A pooled frame as the supervisor publishes it: one reference, the publisher's. */
function lentFrame(pool: FramePool, seq: number): Frame {
  const data = pool.acquire();
  data.fill(seq);
  return { cameraId: 'c', ts: seq, seq, width: 2, height: 2, data, lease: pool.lease(data) };
}
const publish = (fanout: FrameFanout, f: Frame) => {
  fanout.publish(f);
  f.lease!.release(); // the publisher is done with it
};

describe('frame pool and leases', () => {
  it('gives a buffer back on the last release only, and refuses a release too many', () => {
    const pool = new FramePool(12, 2);
    const a = pool.acquire();
    const lease = pool.lease(a);
    lease.retain();
    lease.release();
    expect(pool.acquire()).not.toBe(a); // still held once: a second buffer was allocated
    lease.release();
    expect(pool.acquire()).toBe(a);
    expect(pool.counts).toMatchObject({ allocated: 2, reused: 1, returned: 1 });
    expect(() => lease.release()).toThrow(/released more often/);
    expect(() => lease.retain()).toThrow(/after its buffer was given back/);
  });

  it('keeps at most maxFree buffers for reuse', () => {
    const pool = new FramePool(4, 1);
    const [a, b] = [pool.acquire(), pool.acquire()];
    pool.lease(a).release();
    pool.lease(b).release();
    expect(pool.counts).toMatchObject({ returned: 1, discarded: 1 });
  });
});

describe('FrameFanout with lent frames', () => {
  it('lends the pooled buffer only to lent consumers; others, slots and latest() get copies', () => {
    const pool = new FramePool(12);
    const fanout = new FrameFanout();
    const lent: Frame[] = [];
    const plain: Frame[] = [];
    fanout.onFrame('*', (f) => void lent.push(f), { lent: true });
    fanout.onFrame('c', (f) => void plain.push(f));
    const slot = fanout.slot('c');
    const f = lentFrame(pool, 7);
    publish(fanout, f);
    expect(lent[0]!.data).toBe(f.data);
    expect(plain[0]!.data).not.toBe(f.data);
    expect(plain[0]!.lease).toBeUndefined();
    expect([...plain[0]!.data]).toEqual([...f.data]);
    const taken = slot.take()!;
    expect(taken.data).not.toBe(f.data);
    expect(taken.lease).toBeUndefined();
    const latest = fanout.latest('c')!;
    expect(latest.data).not.toBe(f.data);
    // still held as the latest frame: the next frame cannot get this buffer
    expect(lentFrame(pool, 8).data).not.toBe(f.data);
    fanout.forget('c');
    expect(pool.acquire()).toBe(f.data);
  });

  it('holds the frame a busy lent consumer waits for, and lets go of the one it replaced', async () => {
    const pool = new FramePool(12);
    const fanout = new FrameFanout();
    const got: Frame[] = [];
    let finish!: () => void;
    fanout.onFrame(
      'c',
      (f) => {
        got.push(f);
        return new Promise<void>((r) => (finish = r));
      },
      { lent: true },
    );
    const f1 = lentFrame(pool, 1);
    publish(fanout, f1); // delivered; the consumer is busy
    const f2 = lentFrame(pool, 2);
    publish(fanout, f2); // waits
    const f3 = lentFrame(pool, 3);
    publish(fanout, f3); // replaces f2 (dropped): f2's buffer is latest() no more and not waiting
    expect(pool.acquire()).toBe(f2.data);
    finish();
    await new Promise((r) => setTimeout(r, 0));
    expect(got.map((f) => f.seq)).toEqual([1, 3]);
    expect(got[1]!.data.every((v) => v === 3)).toBe(true);
    // f1 was released when its handler settled (not the latest, not waiting)
    expect(pool.acquire()).toBe(f1.data);
  });
});
