/**
 * Colour and brightness cues of the torso band beyond the two hi-vis tests in classifier.ts: a soft hue
 * histogram of saturated pixels (which fluorescent colour, if any, dominates), the share of bright
 * low-saturation pixels (retro-reflective stripes), the share of dark pixels, mean saturation and mean
 * brightness; each over the given row ranges of the band. Computed the same way here (training) and
 * as ONNX nodes appended to the exported graph (runtime), so the head sees identical inputs.
 */
import {
  attr,
  floatTensor,
  int64Tensor,
  node,
  type OnnxGraph,
} from '../../src/vision/detect/onnx/onnx-model.ts';

export interface CueSpec {
  /**
   * Every `stride`-th row and column of the band only: each elementwise node costs ~10 ns per pixel
   * on this machine's CPU (the two hi-vis tests at full resolution already take ~3 ms of the ~13 ms
   * per crop), and shares of colour over a torso do not need every pixel.
   */
  stride: number;
  /** Row ranges of the subsampled band (0 = its first row), each summarised separately. */
  parts: [number, number][];
  /** Hue histogram bins over the 6-unit hue circle (0 = none); triangular, so they sum to 1 per pixel. */
  hueBins: number;
  /** Bright low-saturation share, dark share, mean saturation, mean brightness. */
  tone: boolean;
}

const SAT_AT = 0.45; // saturation (max − min)/(max + 1) above which a pixel counts as coloured
const SAT_K = 20;
const LIT_AT = 90; // …and brightness (max channel) above which
const BRIGHT_AT = 200; // a retro-reflective stripe lit by daylight or flash: near-white
const GREY_AT = 0.2;
const DARK_AT = 60;
const PIX_K = 0.1; // soft step width of 10 grey levels, as the hi-vis tests use

const sig = (z: number): number => 1 / (1 + Math.exp(-z));

export function cueCount(spec: CueSpec): number {
  return spec.parts.length * (spec.hueBins + (spec.tone ? 4 : 0));
}

/** The cues of a BGR 0..255 NHWC image whose row `firstRow` is the band's first row. */
export function toneCues(px: ArrayLike<number>, spec: CueSpec, firstRow: number, width = 128): number[] {
  const k = spec.hueBins;
  const step = 6 / Math.max(1, k);
  const out: number[] = [];
  for (const [a, b] of spec.parts) {
    const acc = new Float64Array(k + (spec.tone ? 4 : 0));
    for (let y = firstRow + a * spec.stride; y < firstRow + b * spec.stride; y += spec.stride)
      for (let x = 0; x < width; x += spec.stride) {
        const o = (y * width + x) * 3;
        const bl = px[o] as number;
        const gr = px[o + 1] as number;
        const rd = px[o + 2] as number;
        const mx = Math.max(bl, gr, rd);
        const c = mx - Math.min(bl, gr, rd);
        const s = c / (mx + 1);
        if (k > 0) {
          // hue in [0, 6): 0 red, 1 yellow, 2 green, 3 cyan, 4 blue, 5 magenta (ties: red, then green)
          let h =
            mx === rd ? (gr - bl) / (c + 1) : mx === gr ? 2 + (bl - rd) / (c + 1) : 4 + (rd - gr) / (c + 1);
          if (h < 0) h += 6;
          const w = sig((s - SAT_AT) * SAT_K) * sig((mx - LIT_AT) * PIX_K);
          for (let i = 0; i < k; i++) {
            const d0 = Math.abs(h - i * step);
            const t = 1 - Math.min(d0, 6 - d0) / step;
            if (t > 0) acc[i] = (acc[i] as number) + w * t;
          }
        }
        if (spec.tone) {
          acc[k] = (acc[k] as number) + sig((mx - BRIGHT_AT) * PIX_K) * sig((GREY_AT - s) * SAT_K);
          acc[k + 1] = (acc[k + 1] as number) + sig((DARK_AT - mx) * PIX_K);
          acc[k + 2] = (acc[k + 2] as number) + s;
          acc[k + 3] = (acc[k + 3] as number) + mx / 255;
        }
      }
    for (const v of acc) out.push(v / ((b - a) * Math.ceil(width / spec.stride)));
  }
  return out;
}

/**
 * Appends the nodes computing `toneCues` from the torso band (`band`, [1, rows, W, 3] BGR);
 * returns the name of the [1, cueCount] result.
 */
export function addToneCues(g: OnnxGraph, spec: CueSpec, band: string): string {
  const k = spec.hueBins;
  g.initializer.push(
    int64Tensor('jh.q.s0', [0, 0]),
    int64Tensor('jh.q.s1', [1 << 30, 1 << 30]),
    int64Tensor('jh.q.ax1', [1]),
    int64Tensor('jh.q.ax3', [3]),
    int64Tensor('jh.q.ax12', [1, 2]),
    int64Tensor('jh.q.st', [spec.stride, spec.stride]),
    ...[0, 1, 2].flatMap((ch) => [
      int64Tensor(`jh.q.from${ch}`, [ch]),
      int64Tensor(`jh.q.to${ch}`, [ch + 1]),
    ]),
  );
  g.node.push(node('Slice', [band, 'jh.q.s0', 'jh.q.s1', 'jh.q.ax12', 'jh.q.st'], ['jh.q.sub']));
  const [bl, gr, rd] = [0, 1, 2].map((ch) => {
    g.node.push(node('Slice', ['jh.q.sub', `jh.q.from${ch}`, `jh.q.to${ch}`, 'jh.q.ax3'], [`jh.q.ch${ch}`]));
    return `jh.q.ch${ch}`;
  }) as [string, string, string];
  const c = (name: string, v: number[], dims: number[] = []): string => {
    g.initializer.push(floatTensor(`jh.q.${name}`, dims, v));
    return `jh.q.${name}`;
  };
  const n = (
    op: string,
    inputs: string[],
    out: string,
    attrs = [] as ReturnType<typeof attr.int>[],
  ): string => {
    g.node.push(node(op, inputs, [`jh.q.${out}`], attrs));
    return `jh.q.${out}`;
  };
  const one = c('one', [1]);
  const soft = (x: string, at: number, scale: number, out: string): string =>
    n(
      'Sigmoid',
      [n('Mul', [n('Sub', [x, c(`${out}.at`, [at])], `${out}.d`), c(`${out}.k`, [scale])], `${out}.z`)],
      out,
    );
  const mx = n('Max', [bl, gr, rd], 'mx');
  const cr = n('Sub', [mx, n('Min', [bl, gr, rd], 'mn')], 'c');
  const c1 = n('Add', [cr, one], 'c1');
  const s = n('Div', [cr, n('Add', [mx, one], 'mx1')], 's');
  const planes: string[] = [];
  if (k > 0) {
    const hR = n('Div', [n('Sub', [gr, bl], 'gb'), c1], 'hR');
    const hG = n('Add', [n('Div', [n('Sub', [bl, rd], 'br'), c1], 'hG0'), c('two', [2])], 'hG');
    const hB = n('Add', [n('Div', [n('Sub', [rd, gr], 'rg'), c1], 'hB0'), c('four', [4])], 'hB');
    const hGB = n('Where', [n('Equal', [mx, gr], 'isG'), hG, hB], 'hGB');
    const h0 = n('Where', [n('Equal', [mx, rd], 'isR'), hR, hGB], 'h0');
    const six = c('six', [6]);
    const h = n('Where', [n('Less', [h0, c('zero', [0])], 'neg'), n('Add', [h0, six], 'h6'), h0], 'h');
    const step = 6 / k;
    const centres = c(
      'centres',
      Array.from({ length: k }, (_, i) => i * step),
      [k],
    );
    const d0 = n('Abs', [n('Sub', [h, centres], 'hd')], 'd0');
    const d = n('Min', [d0, n('Sub', [six, d0], 'd6')], 'd');
    const tri = n('Relu', [n('Sub', [one, n('Mul', [d, c('istep', [1 / step])], 'dn')], 'tri0')], 'tri');
    const w = n('Mul', [soft(s, SAT_AT, SAT_K, 'sat'), soft(mx, LIT_AT, PIX_K, 'lit')], 'w');
    planes.push(n('Mul', [tri, w], 'hist'));
  }
  if (spec.tone) {
    const bright = n('Mul', [soft(mx, BRIGHT_AT, PIX_K, 'hi'), soft(s, GREY_AT, -SAT_K, 'grey')], 'bright');
    planes.push(bright, soft(mx, DARK_AT, -PIX_K, 'dark'), s, n('Mul', [mx, c('i255', [1 / 255])], 'v'));
  }
  const px = n('Concat', planes, 'px', [attr.int('axis', 3)]);
  const parts = spec.parts.map(([a, b], i) => {
    g.initializer.push(int64Tensor(`jh.q.p${i}a`, [a]), int64Tensor(`jh.q.p${i}b`, [b]));
    const sl = n('Slice', [px, `jh.q.p${i}a`, `jh.q.p${i}b`, 'jh.q.ax1'], `p${i}`);
    return n('ReduceMean', [sl], `p${i}m`, [attr.ints('axes', [1, 2]), attr.int('keepdims', 1)]);
  });
  g.initializer.push(int64Tensor('jh.q.shape', [1, -1]));
  return n('Reshape', [n('Concat', parts, 'parts', [attr.int('axis', 3)]), 'jh.q.shape'], 'out');
}

/**
 * The shipped cues: 12 hue bins + 4 tone values over the upper and the lower half of the band (every
 * 2nd pixel). Chosen on validation among whole band / halves, 6 / 12 bins, tone, stride 2 / 4
 * (models/ppe-vest.card.md lists the variants).
 */
export const VEST_CUES: CueSpec = {
  stride: 2,
  parts: [
    [0, 30],
    [30, 61],
  ],
  hueBins: 12,
  tone: true,
};
