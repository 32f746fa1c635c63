/**
 * A per-cell two-layer perceptron (Dx H x O, ReLU) trained with Adam in plain TypeScript. It is the
 * 1x1-conv head we append to YOLOX-Nano's frozen features: outputs are tx, ty, tw, th (regression),
 * objectness logit and one logit per class, exactly the YOLOX raw-head layout before sigmoids.
 */
import { shuffle, type Rng } from './rng.ts';

export interface SampleSet {
  dim: number;
  n: number;
  x: Float32Array;
  /** 1 = positive, 0 = negative */
  obj: Uint8Array;
  /** class index for positives, -1 otherwise */
  cls: Int16Array;
  /** tx, ty, tw, th for positives */
  box: Float32Array;
  /** loss weight of a negative's objectness (1, or 1 / sampling rate for importance weighting) */
  w: Float32Array;
}

export class SampleBuilder {
  n = 0;
  private cap = 1 << 16;
  x: Float32Array;
  obj: Uint8Array;
  cls: Int16Array;
  box: Float32Array;
  w: Float32Array;
  constructor(readonly dim: number) {
    this.x = new Float32Array(this.cap * dim);
    this.obj = new Uint8Array(this.cap);
    this.cls = new Int16Array(this.cap);
    this.box = new Float32Array(this.cap * 4);
    this.w = new Float32Array(this.cap);
  }
  private grow(): void {
    this.cap *= 2;
    const g = <T extends Float32Array | Uint8Array | Int16Array>(a: T, k: number): T => {
      const b = new (a.constructor as new (n: number) => T)(this.cap * k);
      b.set(a);
      return b;
    };
    this.x = g(this.x, this.dim);
    this.obj = g(this.obj, 1);
    this.cls = g(this.cls, 1);
    this.box = g(this.box, 4);
    this.w = g(this.w, 1);
  }
  /** `feat` is read at feat[offset + c * stride] for c < dim (NCHW planes). */
  push(feat: (c: number) => number, obj: number, cls: number, box?: readonly number[], weight = 1): void {
    if (this.n === this.cap) this.grow();
    const o = this.n * this.dim;
    for (let c = 0; c < this.dim; c++) this.x[o + c] = feat(c);
    this.obj[this.n] = obj;
    this.w[this.n] = weight;
    this.cls[this.n] = cls;
    if (box) this.box.set(box, this.n * 4);
    this.n++;
  }
  build(): SampleSet {
    return { dim: this.dim, n: this.n, x: this.x, obj: this.obj, cls: this.cls, box: this.box, w: this.w };
  }
}

export interface Mlp {
  dim: number;
  hidden: number;
  out: number;
  w1: Float32Array; // [hidden][dim]
  b1: Float32Array;
  w2: Float32Array; // [out][hidden]
  b2: Float32Array;
  /** input standardisation, folded into w1/b1 on export */
  mean: Float32Array;
  std: Float32Array;
}

export function initMlp(dim: number, hidden: number, out: number, rng: Rng, objPrior = 0.01): Mlp {
  const he = (fanIn: number) => () => (rng() * 2 - 1) * Math.sqrt(6 / fanIn);
  const r1 = he(dim);
  const r2 = he(hidden);
  const b2 = new Float32Array(out);
  b2[4] = Math.log(objPrior / (1 - objPrior));
  return {
    dim,
    hidden,
    out,
    w1: Float32Array.from({ length: hidden * dim }, r1),
    b1: new Float32Array(hidden),
    w2: Float32Array.from({ length: out * hidden }, () => r2() * 0.1),
    b2,
    mean: new Float32Array(dim),
    std: new Float32Array(dim).fill(1),
  };
}

export function standardise(m: Mlp, s: SampleSet): void {
  const mean = new Float64Array(s.dim);
  const sq = new Float64Array(s.dim);
  for (let i = 0; i < s.n; i++)
    for (let c = 0; c < s.dim; c++) {
      const v = s.x[i * s.dim + c] as number;
      mean[c] = (mean[c] as number) + v;
      sq[c] = (sq[c] as number) + v * v;
    }
  for (let c = 0; c < s.dim; c++) {
    const mu = (mean[c] as number) / s.n;
    m.mean[c] = mu;
    m.std[c] = Math.sqrt(Math.max((sq[c] as number) / s.n - mu * mu, 1e-6));
  }
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const softplus = (z: number): number => (z > 20 ? z : Math.log1p(Math.exp(z)));

/** Forward pass on one (raw, unstandardised) feature vector; writes logits into `z`. */
export function forward(
  m: Mlp,
  x: Float32Array,
  xo: number,
  h: Float32Array,
  z: Float32Array,
  xs: Float32Array,
): void {
  for (let c = 0; c < m.dim; c++)
    xs[c] = ((x[xo + c] as number) - (m.mean[c] as number)) / (m.std[c] as number);
  for (let j = 0; j < m.hidden; j++) {
    let a = m.b1[j] as number;
    const wo = j * m.dim;
    for (let c = 0; c < m.dim; c++) a += (m.w1[wo + c] as number) * (xs[c] as number);
    h[j] = a > 0 ? a : 0;
  }
  for (let k = 0; k < m.out; k++) {
    let a = m.b2[k] as number;
    const wo = k * m.hidden;
    for (let j = 0; j < m.hidden; j++) a += (m.w2[wo + j] as number) * (h[j] as number);
    z[k] = a;
  }
}

export interface TrainOptions {
  epochs: number;
  batch: number;
  lr: number;
  weightDecay: number;
  /** loss weight of negative cells' objectness relative to positives */
  negWeight: number;
  boxWeight: number;
  /**
   * Objectness target of a positive = IoU of its predicted box with its ground truth (soft BCE, as in
   * GFL's quality focal loss / VarifocalNet), instead of 1: the score then ranks well-placed boxes
   * above poorly placed ones of the same object, which AP@0.5 and NMS both reward.
   */
  quality?: boolean;
  /** weight of an IoU loss (1 − IoU of predicted and target box) added to the L1 box loss; 0 = off */
  iouWeight?: number;
  rng: Rng;
  log: (msg: string) => void;
}

/** Mean loss over a sample set (objectness BCE + class BCE + box L1), as in training. */
export function loss(
  m: Mlp,
  s: SampleSet,
  o: Pick<TrainOptions, 'negWeight' | 'boxWeight' | 'quality'>,
): number {
  const h = new Float32Array(m.hidden);
  const z = new Float32Array(m.out);
  const xs = new Float32Array(m.dim);
  let total = 0;
  let wsum = 0;
  for (let i = 0; i < s.n; i++) {
    forward(m, s.x, i * s.dim, h, z, xs);
    const pos = s.obj[i] === 1;
    const zo = z[4] as number;
    const w = pos ? 1 : o.negWeight * (s.w[i] as number);
    const t = pos ? objTarget(z, s.box, i, o.quality) : 0;
    total += w * (softplus(zo) - t * zo);
    wsum += w;
    if (pos) {
      for (let k = 5; k < m.out; k++)
        total += softplus(z[k] as number) - (s.cls[i] === k - 5 ? (z[k] as number) : 0);
      for (let k = 0; k < 4; k++)
        total += o.boxWeight * Math.abs((z[k] as number) - (s.box[i * 4 + k] as number));
    }
  }
  return total / wsum;
}

/** IoU of a cell's predicted box (logits z[0..3]) with its target (box[i*4..]), both in stride units. */
export function predictedIou(z: Float32Array, box: Float32Array, i: number): number {
  const pw = Math.exp(z[2] as number);
  const ph = Math.exp(z[3] as number);
  const tw = Math.exp(box[i * 4 + 2] as number);
  const th = Math.exp(box[i * 4 + 3] as number);
  const dx = Math.abs((z[0] as number) - (box[i * 4] as number));
  const dy = Math.abs((z[1] as number) - (box[i * 4 + 1] as number));
  const ix = Math.max(0, Math.min(dx + pw / 2, tw / 2) - Math.max(dx - pw / 2, -tw / 2));
  const iy = Math.max(0, Math.min(dy + ph / 2, th / 2) - Math.max(dy - ph / 2, -th / 2));
  const inter = ix * iy;
  return inter / (pw * ph + tw * th - inter);
}

/** Adds weight × d(1 − IoU)/dz[0..3] to dz (central differences: IoU is piecewise smooth in z). */
export function iouGradient(
  z: Float32Array,
  box: Float32Array,
  i: number,
  weight: number,
  dz: Float32Array,
): void {
  const eps = 1e-3;
  for (let k = 0; k < 4; k++) {
    const z0 = z[k] as number;
    z[k] = z0 + eps;
    const up = predictedIou(z, box, i);
    z[k] = z0 - eps;
    const down = predictedIou(z, box, i);
    z[k] = z0;
    dz[k] = (dz[k] as number) - (weight * (up - down)) / (2 * eps);
  }
}

const objTarget = (z: Float32Array, box: Float32Array, i: number, quality?: boolean): number =>
  quality ? predictedIou(z, box, i) : 1;

export function train(m: Mlp, s: SampleSet, o: TrainOptions, onEpoch?: (epoch: number) => void): void {
  const { dim, hidden, out } = m;
  const params = [m.w1, m.b1, m.w2, m.b2];
  const mom = params.map((p) => new Float32Array(p.length));
  const vel = params.map((p) => new Float32Array(p.length));
  const grads = params.map((p) => new Float32Array(p.length));
  const [gw1, gb1, gw2, gb2] = grads as [Float32Array, Float32Array, Float32Array, Float32Array];
  const h = new Float32Array(hidden);
  const z = new Float32Array(out);
  const dz = new Float32Array(out);
  const dh = new Float32Array(hidden);
  const xs = new Float32Array(dim);
  const order = Array.from({ length: s.n }, (_, i) => i);
  let step = 0;
  const totalSteps = o.epochs * Math.ceil(s.n / o.batch);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, o.rng);
    const t0 = Date.now();
    for (let b0 = 0; b0 < s.n; b0 += o.batch) {
      for (const g of grads) g.fill(0);
      const b1 = Math.min(s.n, b0 + o.batch);
      let wsum = 0;
      for (let bi = b0; bi < b1; bi++) {
        const i = order[bi] as number;
        forward(m, s.x, i * dim, h, z, xs);
        const pos = s.obj[i] === 1;
        const w = pos ? 1 : o.negWeight * (s.w[i] as number);
        wsum += w;
        dz.fill(0);
        dz[4] = w * (sigmoid(z[4] as number) - (pos ? objTarget(z, s.box, i, o.quality) : 0));
        if (pos) {
          for (let k = 5; k < out; k++) dz[k] = sigmoid(z[k] as number) - (s.cls[i] === k - 5 ? 1 : 0);
          for (let k = 0; k < 4; k++)
            dz[k] = o.boxWeight * Math.sign((z[k] as number) - (s.box[i * 4 + k] as number));
          if (o.iouWeight) iouGradient(z, s.box, i, o.iouWeight, dz);
        }
        dh.fill(0);
        for (let k = 0; k < out; k++) {
          const d = dz[k] as number;
          if (d === 0) continue;
          gb2[k] = (gb2[k] as number) + d;
          const wo = k * hidden;
          for (let j = 0; j < hidden; j++) {
            gw2[wo + j] = (gw2[wo + j] as number) + d * (h[j] as number);
            dh[j] = (dh[j] as number) + d * (m.w2[wo + j] as number);
          }
        }
        for (let j = 0; j < hidden; j++) {
          if ((h[j] as number) <= 0) continue;
          const d = dh[j] as number;
          gb1[j] = (gb1[j] as number) + d;
          const wo = j * dim;
          for (let c = 0; c < dim; c++) gw1[wo + c] = (gw1[wo + c] as number) + d * (xs[c] as number);
        }
      }
      // Adam with cosine-decayed learning rate and decoupled weight decay on the weights
      step++;
      const lr = o.lr * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps));
      const bc1 = 1 - 0.9 ** step;
      const bc2 = 1 - 0.999 ** step;
      params.forEach((p, pi) => {
        const g = grads[pi] as Float32Array;
        const mo = mom[pi] as Float32Array;
        const ve = vel[pi] as Float32Array;
        const decay = pi % 2 === 0 ? o.weightDecay : 0;
        for (let k = 0; k < p.length; k++) {
          const gk = (g[k] as number) / wsum;
          mo[k] = 0.9 * (mo[k] as number) + 0.1 * gk;
          ve[k] = 0.999 * (ve[k] as number) + 0.001 * gk * gk;
          p[k] =
            (p[k] as number) -
            lr *
              ((mo[k] as number) / bc1 / (Math.sqrt((ve[k] as number) / bc2) + 1e-8) +
                decay * (p[k] as number));
        }
      });
    }
    o.log(`  epoch ${epoch + 1}/${o.epochs} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    onEpoch?.(epoch);
  }
}
