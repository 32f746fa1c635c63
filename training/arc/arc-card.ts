/** models/arc.card.md as written by `npm run train:arc` (a status section is added by hand below it). */
import { FLATTERS } from '../cards/held-out.ts';
import { reportTable } from '../cards/report-table.ts';
import type { ArcTest } from './finish-arc.ts';
import type { ArcRun } from './test-arc.ts';

type Counts = ArcRun['counts']['train'];

/** Why this model has no held-out-source figure: said before anything else on the card. */
const ARC_NO_HELD_OUT = `## Held-out source: no figure exists

${FLATTERS}, and every figure on this card is of that
kind: **no held-out-source (leave-one-source-out) figure exists for this model.** Why: each of the five background
sources also gives training backgrounds, and the test split holds other photos and later clip time of the same
sources (held out by photo and by time, not by source); every arc in it is drawn by our own renderer, the one the
training arcs come from, so recall is measured on what the model learnt (the renderer). Real arc footage: none
with a clear licence, **not measured**. The false-frame figures on the factory clip and on bright lights below are
on backgrounds of sources it trained on too.
`;

const pct = (v: number): string => (Number.isNaN(v) ? 'n/a' : `${(v * 100).toFixed(1)} %`);

export function arcCard(o: ArcRun, fin: ArcTest): string {
  const counts = o.counts;
  const res = { ...o.file, colour: o.colour, seconds: o.seconds };
  const src = (c: Counts) =>
    Object.entries(c.bySource)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
  const rows = (b: ArcTest['testBySource']) =>
    Object.entries(b).map(([s, r]) => `| ${s} | ${r.negatives} | ${pct(r.fpRate)} | ${pct(r.recall)} |`);
  const f = fin.test.frame;
  return `# arc — welding arcs and cutting sparks (hot work without a flame), frame-level decision

File \`models/arc.onnx\`, ${res.bytes} bytes, sha256 \`${res.sha256}\`.
Reproduce: \`npm run train:arc\` (training/arc/train-arc.ts; synthetic data generated into var/arc-synth/ from
seed ${o.seed}). Trained in ${o.minutes.toFixed(1)} min on the shared 2 CPU cores (features ${res.seconds.features.toFixed(0)} s,
perceptron ${res.seconds.training.toFixed(0)} s).

${ARC_NO_HELD_OUT}
## Model

- Base: YOLOX-Nano (COCO, 416×416, Apache-2.0, Megvii), **frozen**, shared: the head reads YOLOX-Nano's own
  classification and regression features (tensors of its head, unchanged), so in the default pipeline it runs
  inside the one merged graph (\`options.sharedBackbone: yolox-nano-coco\`, src/vision/detect/onnx/merge-heads.ts)
  and adds only its own nodes.
- Head (ours): per grid cell of each level (strides 8/16/32) a 2-layer perceptron (${o.dims.in} → ${o.hidden} → ${o.dims.out},
  ReLU; two 1×1 convolutions) on YOLOX's 64 + 64 head values and the mean B, G, R and chroma (÷ 255) of the
  cell and of the 3×3 and 5×5 cells around it, and the cell's clipped-white share and brightest pixel (\`colour\` ${JSON.stringify(res.colour ?? null)}; training/head/export.ts).
- Label: class 0 \`arc\`. Runtime plugin \`own-yolox-head\`, stage 1 (whole frame). The box convention: the arc's
  glow (clipped core and bloom), not the spark trails.
- Frame-level decision: a frame shows hot work when any \`arc\` box scores ≥ ${o.T} (\`options.frameThreshold\`; the
  same value is the box threshold, so every box \`jianhu detect\` prints is one the hot-work rule reads).
- Checked on export: the ONNX graph's output matches the trainer's forward pass (training/head/train-yolox-head.ts).

## Data: synthetic (no arc footage with a clear licence exists)

- Composites (training/arc/render-arc.ts): a clipped white core (1.8–7 px half-axis at 640 px, elongated up to
  2.2×), blue-white bloom (white for plasma), the scene lit by a blue-white cast and darkened by auto exposure,
  0–70 spark trails (orange-yellow, falling), flicker (core light 0.9–4× the sensor's range), motion blur (1 in 3),
  CCD smear (1 in 12), one or two arcs per frame, JPEG quality 80. Each background gives one composite and one
  negative frame: itself, or (half of them) itself with 1–3 drawn lamps, tubes or sun glints (\`randomLamp\`).
- Backgrounds, split by source (training/arc/arc-data.ts): train ${counts.train.frames} frames (${counts.train.composites}
  composites; backgrounds: ${src(counts.train)}), validation ${counts.val.frames} (${counts.val.composites}; ${src(counts.val)}),
  test ${counts.test.frames} (${counts.test.composites}; ${src(counts.test)}).
  - factory-clip: the local factory clip (../shared/clips, never committed, nor its frames) at 2 frames/s: 0–20 s
    train, 22–28 s validation, 30 s–end test. One camera and one scene on both sides.
  - fire-smoke-cctv: frames without fire, split by clip as the fire model splits them (training/datasets.ts).
    "fire" v8, Roboflow Universe (custom-thxhn/fire-wrpgm), **CC BY 4.0**.
  - hard-hat-workers: its own train (120 evenly spaced) / val / test folders. Hard Hat Workers (Northeastern
    University, China; via MakeML / Roboflow Public), **public domain**.
  - safety-vest-v4: one file per source photo; sources in valid/ or test/ dropped from train. "Safety vest - v4",
    Roboflow Universe (workspace object-detection), **CC BY 4.0**.
  - construction-site-safety: one file per source photo, same rule. "Construction Site Safety" v28, Roboflow
    Universe (roboflow-universe-projects), **CC BY 4.0**.

## Threshold (chosen on validation only)

- ${o.T}: the lowest score ≥ 0.5 (the hot-work rule's minScore) with ≤ 3 % false frames on each validation source
  separately. Validation: composites flagged ${pct(o.val.recall)}, backgrounds flagged ${pct(o.val.fpRate)}.

## Test (in-source, flattering: held-back photos and clip time of the training sources, synthetic arcs; read once for this recipe; same code as \`npm run eval\`)

${reportTable(fin.test)}

Frame level: ${f ? `${pct(f.recall)} of ${f.positives} composites flagged, ${pct(f.fpRate)} of ${f.negatives} backgrounds flagged` : 'n/a'}.

| background source | backgrounds | false frames | composites flagged |
|---|---|---|---|
${rows(fin.testBySource).join('\n')}

Bright lights: of the held-back backgrounds, ${fin.bright.frames} have clipped-white highlights (0.02–8 % of the frame
every channel ≥ 245: sky, windows, ceiling lamps, sunlit white surfaces, white CCTV timestamps;
training/arc/bright-negatives.ts); ${fin.bright.falseFrames} of them are flagged. The sets hold no furnace glow.
`;
}
