import { describe, expect, it } from 'vitest';
import { ReuseCache } from '../../src/vision/detect/reuse-cache.ts';
import type { Box } from '../../src/vision/detect/types.ts';

const S = { maxAgeMs: 2000, minIou: 0.7, maxKeys: 2 };
const A: Box = [100, 50, 160, 250];
const shifted = (b: Box, dx: number): Box => [b[0] + dx, b[1], b[2] + dx, b[3]];

describe('ReuseCache (stage-2 answers per camera)', () => {
  it('gives a person the answer made for an overlapping box on the same camera, while it is fresh', () => {
    const c = new ReuseCache<string>(S);
    c.set('cam1', [{ box: A, value: 'vest', ts: 1000 }], 1000);
    expect(c.lookup('cam1', shifted(A, 3), 1500)?.value).toBe('vest');
    expect(c.lookup('cam1', A, 3000)?.value).toBe('vest'); // exactly maxAgeMs old
    expect(c.lookup('cam1', A, 3001)).toBeUndefined(); // older than maxAgeMs
    expect(c.lookup('cam2', A, 1500)).toBeUndefined(); // another camera
    expect(c.lookup('cam1', A, 999)).toBeUndefined(); // a clock that went backwards
  });

  it('classifies afresh a person who moved (IoU below the minimum)', () => {
    const c = new ReuseCache<string>(S);
    c.set('cam1', [{ box: A, value: 'vest', ts: 1000 }], 1000);
    expect(c.lookup('cam1', shifted(A, 20), 1200)).toBeUndefined(); // 60 px wide box moved 20 px: IoU 0.5
  });

  it('picks the best-overlapping of several people', () => {
    const c = new ReuseCache<string>(S);
    const B = shifted(A, 50);
    c.set(
      'cam1',
      [
        { box: A, value: 'a', ts: 1000 },
        { box: B, value: 'b', ts: 1000 },
      ],
      1000,
    );
    expect(c.lookup('cam1', shifted(B, -2), 1100)?.value).toBe('b');
  });

  it('never extends an answer’s life by reusing it, and drops what is already too old', () => {
    const c = new ReuseCache<string>(S);
    c.set('cam1', [{ box: A, value: 'vest', ts: 1000 }], 1000);
    const hit = c.lookup('cam1', A, 2500)!;
    c.set('cam1', [{ box: A, value: hit.value, ts: hit.ts }], 2500);
    expect(c.lookup('cam1', A, 3001)).toBeUndefined();
    c.set('cam1', [{ box: A, value: 'old', ts: 0 }], 2500);
    expect(c.lookup('cam1', A, 2500)).toBeUndefined();
  });

  it('forgets the least recently used camera beyond maxKeys', () => {
    const c = new ReuseCache<string>(S);
    c.set('cam1', [{ box: A, value: '1', ts: 1000 }], 1000);
    c.set('cam2', [{ box: A, value: '2', ts: 1000 }], 1000);
    c.set('cam1', [{ box: A, value: '1', ts: 1000 }], 1000); // cam1 used again
    c.set('cam3', [{ box: A, value: '3', ts: 1000 }], 1000);
    expect(c.lookup('cam2', A, 1000)).toBeUndefined();
    expect(c.lookup('cam1', A, 1000)?.value).toBe('1');
    expect(c.lookup('cam3', A, 1000)?.value).toBe('3');
  });

  it('on a camera served slower than planned, lets an answer serve its next minUses frames, never past graceMs', () => {
    const c = new ReuseCache<string>({ ...S, minUses: 4, graceMs: 6000 });
    // frames 1.5 s apart (an overloaded box): every answer is past maxAgeMs by the second frame after it
    c.set('cam1', [{ box: A, value: 'vest', ts: 0, uses: 0 }], 0);
    let uses = 0;
    for (const t of [1500, 3000, 4500]) {
      const hit = c.lookup('cam1', A, t)!;
      expect(hit.value).toBe('vest');
      uses = (hit.uses ?? 0) + 1;
      c.set('cam1', [{ box: A, value: hit.value, ts: hit.ts, uses }], t);
    }
    expect(uses).toBe(3);
    const fourth = c.lookup('cam1', A, 6000)!; // 6 s old: the grace limit, inclusive
    expect(fourth.value).toBe('vest');
    c.set('cam1', [{ box: A, value: 'vest', ts: 0, uses: 4 }], 6000);
    expect(c.lookup('cam1', A, 6001)).toBeUndefined(); // used 4 times: classify afresh
    // an answer used fewer times still expires at graceMs
    c.set('cam1', [{ box: A, value: 'vest', ts: 0, uses: 1 }], 5000);
    expect(c.lookup('cam1', A, 6001)).toBeUndefined();
    // and within maxAgeMs the count does not matter
    c.set('cam1', [{ box: A, value: 'vest', ts: 10_000, uses: 9 }], 10_000);
    expect(c.lookup('cam1', A, 11_500)?.value).toBe('vest');
  });
});
