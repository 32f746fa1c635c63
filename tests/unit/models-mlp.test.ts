import { describe, expect, it } from 'vitest';
import {
  forward,
  initMlp,
  loss,
  iouGradient,
  predictedIou,
  SampleBuilder,
  standardise,
  train,
} from '../../training/head/mlp.ts';
import { makeRng } from '../../training/head/rng.ts';
import { predict, trainBinary } from '../../training/vest/classifier.ts';

/** Cells whose feature 0 is positive are objects of class (feature 1 > 0 ? 1 : 0) with box target = features 2..5. */
function toySet(n: number, seed: number) {
  const rng = makeRng(seed);
  const b = new SampleBuilder(8);
  for (let i = 0; i < n; i++) {
    const f = Array.from({ length: 8 }, () => rng() * 2 - 1);
    const pos = (f[0] as number) > 0;
    b.push(
      (c) => f[c] as number,
      pos ? 1 : 0,
      pos ? ((f[1] as number) > 0 ? 1 : 0) : -1,
      pos ? f.slice(2, 6) : undefined,
    );
  }
  return b.build();
}

describe('per-cell MLP head', () => {
  it('learns objectness, class and box on a separable toy problem (seeded, deterministic)', () => {
    const s = toySet(1500, 1);
    const run = () => {
      const rng = makeRng(7);
      const m = initMlp(8, 16, 7, rng, 0.5);
      standardise(m, s);
      const before = loss(m, s, { negWeight: 1, boxWeight: 1 });
      train(m, s, {
        epochs: 15,
        batch: 64,
        lr: 5e-3,
        weightDecay: 0,
        negWeight: 1,
        boxWeight: 1,
        rng,
        log: () => {},
      });
      return { m, before, after: loss(m, s, { negWeight: 1, boxWeight: 1 }) };
    };
    const a = run();
    expect(a.after).toBeLessThan(a.before * 0.5);
    expect(run().after).toBe(a.after);
    const h = new Float32Array(16);
    const z = new Float32Array(7);
    const xs = new Float32Array(8);
    const x = Float32Array.from([0.8, 0.7, 0.1, 0.2, 0.3, 0.4, 0, 0]);
    forward(a.m, x, 0, h, z, xs);
    expect(z[4]).toBeGreaterThan(0); // object
    expect(z[6]).toBeGreaterThan(z[5] as number); // class 1
    x[0] = -0.8;
    forward(a.m, x, 0, h, z, xs);
    expect(z[4]).toBeLessThan(0); // background
  });
});

describe('binary vest head', () => {
  it('separates two classes and balances an uneven split', () => {
    const rng = makeRng(3);
    const xs: Float32Array[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 600; i++) {
      const y = i % 5 === 0 ? 1 : 0; // 20% positives, like vests
      xs.push(Float32Array.from({ length: 6 }, (_, c) => (c === 0 ? (y ? 0.6 : -0.6) : 0) + (rng() - 0.5)));
      ys.push(y);
    }
    const m = trainBinary(xs, ys, { hidden: 8, epochs: 20, lr: 5e-3, weightDecay: 0, rng: makeRng(4) });
    const acc = xs.filter((x, i) => (predict(m, x) >= 0.5 ? 1 : 0) === ys[i]).length / xs.length;
    expect(acc).toBeGreaterThan(0.8);
  });
});

const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;

describe('quality objectness', () => {
  it('predictedIou: IoU of a YOLOX-parametrised box with its target, in stride units', () => {
    const target = Float32Array.from([0.5, 0.5, 0, 0]); // centre (0.5, 0.5), 1×1
    const iouOf = (z: number[]) => predictedIou(Float32Array.from(z), target, 0);
    expect(iouOf([0.5, 0.5, 0, 0])).toBeCloseTo(1, 6);
    expect(iouOf([0.5, 0.5, Math.log(2), 0])).toBeCloseTo(0.5, 6); // twice as wide
    expect(iouOf([1, 0.5, 0, 0])).toBeCloseTo(1 / 3, 6); // half a width to the side
    expect(iouOf([3, 0.5, 0, 0])).toBe(0); // no overlap
  });

  it('iouGradient points a descent step towards the target box', () => {
    const target = Float32Array.from([0.5, 0.5, 0, 0]);
    const z = Float32Array.from([1, 0.5, Math.log(2), 0]); // to the right and too wide
    const dz = new Float32Array(7);
    iouGradient(z, target, 0, 1, dz);
    expect(dz[0]).toBeGreaterThan(0); // descent moves the centre left
    expect(dz[2]).toBeGreaterThan(0); // and narrows the box
    expect(dz[1]).toBeCloseTo(0, 6);
    expect(Array.from(z)).toEqual(Array.from(Float32Array.from([1, 0.5, Math.log(2), 0]))); // z restored
  });

  it('scores a positive by how well its box can be placed, not 1 for every positive', () => {
    // positives whose feature 6 > 0 have a box that follows their features; the others a box of noise
    const rng = makeRng(3);
    const b = new SampleBuilder(8);
    for (let i = 0; i < 2000; i++) {
      const f = Array.from({ length: 8 }, () => rng() * 2 - 1);
      const pos = (f[0] as number) > 0;
      const box = (f[6] as number) > 0 ? f.slice(2, 6) : [0, 1, 2, 3].map(() => rng() * 2 - 1);
      b.push((c) => f[c] as number, pos ? 1 : 0, pos ? 0 : -1, pos ? box : undefined);
    }
    const s = b.build();
    const gap = (quality: boolean): number => {
      const r = makeRng(9);
      const m = initMlp(8, 16, 7, r, 0.5);
      standardise(m, s);
      const o = { epochs: 20, batch: 64, lr: 5e-3, weightDecay: 0, negWeight: 1, boxWeight: 1 };
      train(m, s, { ...o, quality, rng: r, log: () => {} });
      const h = new Float32Array(16);
      const z = new Float32Array(7);
      const xs = new Float32Array(8);
      const obj: [number[], number[]] = [[], []];
      for (let i = 0; i < s.n; i++) {
        if (s.obj[i] !== 1) continue;
        forward(m, s.x, i * s.dim, h, z, xs);
        obj[(s.x[i * s.dim + 6] as number) > 0 ? 0 : 1].push(1 / (1 + Math.exp(-(z[4] as number))));
      }
      return mean(obj[0]) - mean(obj[1]);
    };
    expect(Math.abs(gap(false))).toBeLessThan(0.05);
    expect(gap(true)).toBeGreaterThan(0.15);
  });
});
