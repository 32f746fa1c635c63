/**
 * npm run bench:detect-preprocess — RGB24 640×360 frame → 416×416 letterboxed BGR float32 CHW:
 * direct buffer maths (src/vision/detect/preprocess.ts, buffers reused) against sharp (resize in libvips,
 * then a JS loop for layout and channel order, which sharp cannot emit). Also times the YOLOX decode
 * and the scheduler's motion gauge (src/vision/detect/motion.ts), which runs on every offered frame.
 * Ends with one JSON line.
 */
import sharp from 'sharp';
import { findModel, loadManifest } from '../src/vision/detect/manifest.ts';
import { Preprocessor } from '../src/vision/detect/preprocess.ts';
import { MotionGauge } from '../src/vision/detect/motion.ts';
import { decodeYolox } from '../src/vision/detect/yolox-decode.ts';

const N = Number(process.argv[2] ?? 200);
const entry = findModel(loadManifest(), 'yolox-nano-coco');
const W = 640;
const H = 360;
const data = Buffer.alloc(W * H * 3);
for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 7)) & 255;
const image = { width: W, height: H, data };

// CPU time (user + system, all threads of this process) per frame: on a shared machine wall time
// mostly measures the neighbours; CPU time is what the work itself costs. Wall time printed too.
function report(label: string, n: number, t0: number, c0: NodeJS.CpuUsage): number {
  const wall = (performance.now() - t0) / n;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1000 / n;
  process.stdout.write(`${label.padEnd(44)} ${cpu.toFixed(3)} ms CPU/frame (${wall.toFixed(3)} ms wall)\n`);
  return cpu;
}
function time(label: string, n: number, fn: () => void): number {
  for (let i = 0; i < 10; i++) fn();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  return report(label, n, t0, c0);
}
async function timeAsync(label: string, n: number, fn: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 10; i++) await fn();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn();
  return report(label, n, t0, c0);
}

const pre = new Preprocessor(entry.input);
const direct = time('direct buffer maths (reused buffers)', N, () => void pre.run(image));

const out = new Float32Array(3 * 416 * 416);
const r = Math.min(416 / W, 416 / H);
const nw = Math.floor(W * r);
const nh = Math.floor(H * r);
const viaSharp = await timeAsync('sharp resize + JS layout loop', N, async () => {
  const resized = await sharp(data, { raw: { width: W, height: H, channels: 3 } })
    .resize(nw, nh, { kernel: 'linear', fit: 'fill' })
    .raw()
    .toBuffer();
  out.fill(114);
  const plane = 416 * 416;
  for (let y = 0; y < nh; y++)
    for (let x = 0; x < nw; x++) {
      const s = (y * nw + x) * 3;
      const d = y * 416 + x;
      out[d] = resized[s + 2]!;
      out[plane + d] = resized[s + 1]!;
      out[2 * plane + d] = resized[s]!;
    }
});

// Decode cost on a synthetic head: every 50th row a confident person.
const raw = new Float32Array(3549 * 85);
for (let i = 0; i < 3549; i++) {
  raw[i * 85 + 4] = i % 50 === 0 ? 0.9 : 0.01;
  raw[i * 85 + 5] = 0.9;
}
const classes = new Map([
  [0, 'person' as const],
  [67, 'phone' as const],
]);
const placement = { sx: r, sy: r, ox: 0, oy: 0, width: W, height: H };
const decode = time('YOLOX decode + NMS (71 candidates)', N, () => {
  decodeYolox(raw, {
    inputWidth: 416,
    inputHeight: 416,
    strides: [8, 16, 32],
    numClasses: 80,
    classes,
    scoreThreshold: 0.3,
    nmsThreshold: 0.45,
    placement,
    imageWidth: W,
    imageHeight: H,
  });
});
// Motion gauge: two frames that differ, alternated, so every call compares against a background.
const other = Buffer.from(data.map((v) => 255 - v));
const gauge = new MotionGauge();
let flip = false;
const motion = time('motion gauge (32×18 cells, every 4th pixel)', N, () => {
  flip = !flip;
  gauge.update(flip ? other : data, W, H);
});
process.stdout.write(
  JSON.stringify({
    bench: 'detect-preprocess',
    unit: 'ms CPU per frame',
    direct,
    sharp: viaSharp,
    decode,
    motion,
  }) + '\n',
);
