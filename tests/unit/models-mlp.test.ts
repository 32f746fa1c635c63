import { describe, expect, it } from 'vitest';
import { forward, initMlp, loss, SampleBuilder, standardise, train } from '../../training/head/mlp.ts';
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
