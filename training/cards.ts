/** Model-card text for the models trained here (written by the train scripts, numbers filled in). */
import type { EvalReport } from '../src/cli/commands/eval-run.ts';
import { COLOUR_CHANNELS } from './head/export.ts';
import type { FireFinish, fireSplitCounts } from './head/finish-fire.ts';
import type { HeadResult } from './head/train-yolox-head.ts';

const BACKBONE = `- Backbone: YOLOX-Nano (COCO, 416×416, Apache-2.0, Megvii; ONNX from Kazuhito00/MOT-Tracking-by-Detection-Pipeline
  commit e50a76b8), frozen. Input and output are YOLOX's: 416×416 BGR 0..255, top-left letterbox padded with 114;
  output \`output\` [1, 3549, 5 + classes] raw head rows (tx, ty, tw, th, objectness, class scores; sigmoids applied).
- Head (ours): per grid cell of each FPN level (strides 8/16/32), the 64-channel classification and 64-channel
  regression features of YOLOX's head are concatenated (128 values) and fed to a 2-layer perceptron
  (128 → hidden → 5 + classes, ReLU), written into the ONNX graph as two 1×1 convolutions. Trained in plain
  TypeScript (Adam, cosine learning rate, seeded) on features precomputed once per (augmented) image.`;

/** The card's description of the optional colour features (export.ts ColourSpec). */
function colourText(res: HeadResult, why: string): string {
  const c = res.colour;
  if (!c) return '';
  const windows = [
    ...c.context.map((k) => (k === 1 ? 'the cell itself (s×s)' : `a ${k}s×${k}s window centred on the cell`)),
    ...c.above.map((d) => (d === 1 ? 'the cell just above' : `the cell ${d} rows above`)),
  ];
  const rows = (c.neighbours ?? []).map((d) =>
    d > 0 ? `${d} row${d > 1 ? 's' : ''} above` : `${-d} row${d < -1 ? 's' : ''} below`,
  );
  const neighbours = rows.length
    ? `
- Vertical context (added as well): YOLOX's 64 classification-branch values of the cells ${rows.join(' and ')} each
  cell (zero beyond the frame's edge; Pad + Slice nodes on the backbone's own tensors, export.ts \`neighbours\`). The
  MLP input is ${res.mlp.dim} values per cell.`
    : '';
  return `
- Colour features (${COLOUR_CHANNELS * (c.context.length + c.above.length)} values added to the 128 YOLOX values${rows.length ? '' : `, so the MLP input is ${res.mlp.dim} per cell`}): for a cell of stride s,
  mean B, G, R (÷ 255) and mean chroma (max − min of B, G, R) over ${windows.join(' and ')}; computed in the graph from
  the input \`images\` (Split + Max − Min for chroma, AveragePool with stride s, Pad + Slice for the cell above), so the
  head reads only the backbone and the graph input and still merges onto YOLOX-Nano. Training computes them with the
  same ONNX nodes (training/head/export.ts \`addColourNodes\`). ${why}${neighbours}`;
}

/** Text both hard-hat cards share (this trainer's and training/gpu/card.ts). */
export const HARDHAT_LABELS_TEXT = `- Labels: class 0 \`helmet\` (a head wearing a hard hat; the box covers head + hat), class 1 \`head\` (bare head).`;
export const HARDHAT_DECODING_TEXT = `- Box voting at decoding (manifest \`thresholds.vote\` 0.5): each box NMS keeps moves to the score-weighted mean of
  the candidate boxes (score ≥ 0.05, any class) overlapping it by IoU ≥ 0.5.
- Runtime plugin: \`src/vision/detect/plugins/ppe-yolox-head.ts\` (\`own-yolox-head\`), stage 1 (whole frame).`;
export const HARDHAT_WEAKNESSES = `- Trained on construction-site photos (mostly daylight, frontal, mid-distance): overhead CCTV views of a
  metallurgy plant, welding masks, hoods, caps and hair nets are not in the data; expect more helmet/head
  confusions there. Heads smaller than ~10 px in the 416 input are often missed.
- Bare heads are the minority class (548 vs 1873 boxes in hard-hat-workers); yellow/white caps and light hair
  can be called \`helmet\`.`;
export type HardhatCounts = Record<'hTrain' | 'hVal' | 'hTest' | 'svTrain' | 'svVal' | 'svTest', number>;

export const hardhatDataText = (counts: HardhatCounts): string => {
  const c = { counts };
  return `- Hard Hat Workers (Northeastern University, China; via MakeML / Roboflow Public), public domain, 501-photo subset:
  train ${c.counts.hTrain}, val ${c.counts.hVal}, test ${c.counts.hTest} (its own split, one photo per file).
- "Safety vest - v4", Roboflow Universe (workspace object-detection), **CC BY 4.0**: classes capacete → helmet,
  sem_capacete → head. train ${c.counts.svTrain} files (3 augmented copies per source photo; every source photo that
  also appears in valid/ or test/ removed), val ${c.counts.svVal}, test ${c.counts.svTest}.`;
};

export function hardhatResultsText(c: {
  thresholds: Record<string, number>;
  valF1: Record<string, number>;
  tables: { hhw: string; sv: string };
}): string {
  return `## Thresholds (chosen on the validation splits, best F1 per class)
${Object.entries(c.thresholds)
  .map(([l, t]) => `- \`${l}\`: ${t} (val F1 ${(c.valF1[l] ?? 0).toFixed(3)})`)
  .join('\n')}
- NMS IoU 0.45 per class; box voting IoU 0.5.

## Test results (held-back test splits, produced by the same code as \`npm run eval\`)
hard-hat-workers test:

${c.tables.hhw}

safety-vest-v4 test (22 photos, small):

${c.tables.sv}

Targets: head AP@0.5 ≥ 0.6, helmet AP@0.5 ≥ 0.8.`;
}

export interface HardhatCardInput {
  res: HeadResult;
  thresholds: Record<string, number>;
  valF1: Record<string, number>;
  counts: HardhatCounts;
  tables: { hhw: string; sv: string };
  ms: number;
  minutes: number;
}

export function hardhatCard(c: HardhatCardInput): string {
  return `# ppe-hardhat — hard hat (\`helmet\`) vs bare head (\`head\`)

File \`models/ppe-hardhat.onnx\`, ${c.res.bytes} bytes, sha256 \`${c.res.sha256}\`.
Reproduce: \`npm run train:ppe-hardhat:frozen\` (seeded; ${c.minutes.toFixed(1)} min on the shared 2-core machine:
features ${c.res.seconds.features.toFixed(0)} s, MLP ${c.res.seconds.training.toFixed(0)} s). Measure: \`npm run eval -- --dataset ../shared/datasets/hard-hat-workers/images/test --format voc --model ppe-hardhat\`
(and \`--dataset ../shared/datasets/safety-vest-v4/test --format yolo --model ppe-hardhat --labels helmet,head\`).

## Model
${BACKBONE}${colourText(
    c.res,
    `COCO's features were trained for COCO classes and may
  not keep the colour and brightness of the top of a head, which tell a hard hat from hair.`,
  )}
${HARDHAT_LABELS_TEXT}
- Quality objectness: a positive cell's objectness target is the IoU its predicted box reaches with its ground
  truth (soft BCE, as GFL's quality focal loss and VarifocalNet do), not 1. Every cell within 2.5 strides of a
  head is a positive, and many place the box poorly: with a target of 1 they scored as high as the well-placed
  ones, and poorly placed boxes (IoU 0.1–0.5) were the largest group among the highest-scoring false positives.
${HARDHAT_DECODING_TEXT}

## Data (credit)
${hardhatDataText(c.counts)}
- Training samples: ${c.res.trainSamples.images} images (hard-hat-workers photos + 2 augmented copies each: crop/zoom-out,
  flip, brightness 0.45–1.4, contrast, saturation/greyscale, channel gains, noise, low-resolution, blur, JPEG 20–85),
  ${c.res.trainSamples.cells} grid cells (${c.res.trainSamples.positives} positive; negatives sampled per level plus
  up to 40 per image where COCO sees a person: hard negatives). Sampled background cells weigh 1 / their
  sampling rate in the objectness loss (importance weighting), so scores reflect the true share of background.

${hardhatResultsText(c)}

## Cost
${c.ms.toFixed(1)} ms per image in the evaluation loop (JPEG decode + letterbox + inference + decode), onnxruntime
intraOpNumThreads 1, on a 2-core machine shared with other jobs (idle numbers are lower). Alone it is a full
YOLOX-Nano pass; in the default pipeline it runs merged with YOLOX-Nano and the fire/smoke head on one backbone
pass (\`detect.shareBackbone\`, manifest \`options.sharedBackbone\`; cost of the merged stage: \`npm run bench:models\`).

## Known weaknesses
${HARDHAT_WEAKNESSES}
- The backbone is frozen (COCO features); only the head was trained.
`;
}

/** The Data section's counts (finish-fire.ts `fireSplitCounts`). */
export type FireSplitCounts = ReturnType<typeof fireSplitCounts>;

/** What both fire/smoke cards (this trainer's and training/gpu/fire-card.ts) report after training. */
export interface FireResultsInput extends FireFinish {
  split: FireSplitCounts;
  table: string;
}

export interface FireCardInput extends FireResultsInput {
  res: HeadResult;
  minutes: number;
}

export const FIRE_MEASURE = `\`npm run eval -- --dataset ../shared/datasets/fire-smoke-cctv --format yolo --list training/splits/fire-smoke-test.txt --model fire-smoke\``;

export const fireDecisionText = (
  T: number,
): string => `- Labels: class 0 \`fire\`, class 1 \`smoke\`. Runtime plugin \`own-yolox-head\`, stage 1 (whole frame).
- Frame-level decision: a frame is a fire/smoke frame when any \`fire\` or \`smoke\` box scores ≥ ${T}
  (\`options.frameThreshold\` in the manifest; the same value is the shipped box threshold of both classes, so every
  box \`jianhu detect\` prints is an alarm-worthy one).`;

/** The Data section's credit and split lines (the training line differs per trainer). */
export const fireDataText = (
  split: FireSplitCounts,
): string => `- "fire" v8, Roboflow Universe (workspace custom-thxhn, project fire-wrpgm), **CC BY 4.0**; classes Fire → fire,
  smoke → smoke, default (a whole-frame box on a frame without fire) → negative frame (no boxes).
- The shipped train/valid/test splits share clips, so all 979 frames were pooled and re-split by clip (video prefix
  such as \`fire2_mp4\`; numbered web frames \`img_N\` grouped in runs of 25): train ${split.train} frames from
  ${split.trainClips} clips (${split.trainNeg} negative), val ${split.val} / ${split.valClips} clips
  (${split.valNeg} negative), test ${split.test} / ${split.testClips} clips (${split.testNeg} negative). The test
  list is \`training/splits/fire-smoke-test.txt\`.
- Added negative photos (no fire; their boxes dropped), construction sites with yellow/orange/red hard hats and
  hi-vis clothing, classic false-fire triggers:
  - Hard Hat Workers (Northeastern University, China; via MakeML / Roboflow Public), **public domain**: training
    ${split.addedTrainHhw} photos evenly spaced over its images/train, validation all ${split.addedValHhw} of images/val.
  - "Safety vest - v4", Roboflow Universe (workspace object-detection), **CC BY 4.0**: training
    ${split.addedTrainSv} files evenly spaced over train/ at one file per source photo (sources also in valid/ or test/
    removed), validation all ${split.addedValSv} of valid/.
  - Neither set's test split is used here (hard-hat-workers images/test measures false alarms, below).`;

/** The Thresholds and Test results sections. */
export function fireResultsText(c: FireResultsInput): string {
  const f = c.test.frame;
  return `## Thresholds (chosen on validation only)
- Frame threshold ${c.T}: the lowest score with ≤ 3% false-positive frames on each source of validation negatives
  separately (${c.split.valNeg} CCTV frames: none of them flagged; training/head/finish-fire.ts). Over all
  ${c.split.valNeg + c.split.addedValHhw + c.split.addedValSv} validation negatives: val recall ${c.valFrame.recall.toFixed(3)}, false-positive rate ${c.valFrame.fpRate.toFixed(3)}. By source:
  fire-smoke-cctv ${(c.valFpBySource['fire-smoke-cctv'] ?? 0).toFixed(3)} (${c.split.valNeg} frames), hard-hat-workers
  ${(c.valFpBySource['hard-hat-workers'] ?? 0).toFixed(3)}, safety-vest-v4 ${(c.valFpBySource['safety-vest-v4'] ?? 0).toFixed(3)}. CCTV validation clips alone: recall
  ${c.valCctv.recall.toFixed(3)}, false-positive rate ${c.valCctv.fpRate.toFixed(3)}.
- Box F1 on validation at its own best threshold: fire ${(c.valF1.fire ?? 0).toFixed(3)}, smoke ${(c.valF1.smoke ?? 0).toFixed(3)}.

## Test results (held-back clips, same code as \`npm run eval\`)
${c.table}

Frame level: recall ${f ? f.recall.toFixed(3) : 'n/a'} on ${f?.positives ?? 0} fire/smoke frames, false-positive rate
${f ? f.fpRate.toFixed(3) : 'n/a'} on ${f?.negatives ?? 0} frames without fire. Target: recall ≥ 0.8 at ≤ 5% false-positive frames.`;
}

export const fireWeaknessesText = (
  split: FireSplitCounts,
): string => `- Few negative CCTV frames (${split.trainNeg} in training); the ${split.addedTrainHhw + split.addedTrainSv} added negatives are
  daylight construction photos, not CCTV. Furnace glow, molten metal,
  sparks of welding, orange lighting and steam in a metallurgy plant are not in the data and will raise false alarms.
  Smoke from fog machines dominates the smoke examples; real industrial smoke and steam look different.
- The test split is small (${split.testClips} clips): the frame-level numbers have wide confidence intervals.`;

export function fireCard(c: FireCardInput): string {
  return `# fire-smoke — \`fire\` and \`smoke\` on CCTV frames, with a frame-level decision

File \`models/fire-smoke.onnx\`, ${c.res.bytes} bytes, sha256 \`${c.res.sha256}\`.
Reproduce: \`npm run train:fire-smoke:frozen\` (seeded; ${c.minutes.toFixed(1)} min on the shared 2-core machine: features
${c.res.seconds.features.toFixed(0)} s, MLP ${c.res.seconds.training.toFixed(0)} s). Measure:
${FIRE_MEASURE}.

## Model
${BACKBONE}${colourText(
    c.res,
    `Flame and smoke are colours first (orange-white, grey), and COCO's
  features were not trained to keep them.`,
  )}
${fireDecisionText(c.T)}

## Data (credit)
${fireDataText(c.split)}
- Training: every CCTV training frame + 1 augmented copy (2 for negative frames; the added photos once each):
  crop/zoom-out, flip, brightness, contrast, saturation/greyscale, channel gains, noise, low resolution, blur, JPEG.
  ${c.res.trainSamples.images} images, ${c.res.trainSamples.cells} grid cells (${c.res.trainSamples.positives} positive).

${fireResultsText(c)}

## Cost
${c.test.msPerImage.toFixed(1)} ms per frame in the evaluation loop (decode + letterbox + inference + decode), one
onnxruntime thread, shared 2-core machine. Alone it is a full YOLOX-Nano pass; in the default pipeline it runs
merged with YOLOX-Nano and the hard-hat head on one backbone pass (\`detect.shareBackbone\`; cost of the merged
stage: \`npm run bench:models\`).

## Known weaknesses
${fireWeaknessesText(c.split)}
- Backbone frozen (COCO features); fire/smoke box extents are loosely defined in the labels, so box AP understates
  the frame-level usefulness.
`;
}

export interface VestCardInput {
  bytes: number;
  sha256: string;
  thr: number;
  torso: number[];
  /** the torso estimate's whole-height rule, chosen on validation (eval-crops.ts chooseWholeAspect) */
  whole: { wholeAspect: number; tried: { wholeAspect: number; hitRate: number }[] };
  valR: { acc: number; bal: number };
  testR: { acc: number; bal: number; tpr: number; tnr: number };
  counts: Record<
    | 'trainPairs'
    | 'matched'
    | 'trainCrops'
    | 'valCrops'
    | 'testCrops'
    | 'testMatched'
    | 'valMatched'
    | 'trainImgs'
    | 'valImgs'
    | 'testImgs',
    number
  >;
  report: EvalReport;
  trainSeconds: number;
  minutes: number;
  /** Head inputs, and how many of them are the torso-band cues of training/vest/cues.ts. */
  inputs: number;
  cues: number;
  /** the re-id embedder's OMZ number (training/vest/classifier.ts REID_SHA) */
  embedder: string;
}

export function vestCard(c: VestCardInput): string {
  const rows = c.report.classes
    .map(
      (k) =>
        `| ${k.label} | ${k.gts} | ${k.ap.toFixed(3)} | ${k.threshold.toFixed(2)} | ${k.precision.toFixed(3)} | ${k.recall.toFixed(3)} |`,
    )
    .join('\n');
  return `# ppe-vest — hi-vis vest (\`vest\`) vs none (\`no_vest\`) per detected person

File \`models/ppe-vest.onnx\`, ${c.bytes} bytes, sha256 \`${c.sha256}\`.
Reproduce: \`npm run train:ppe-vest\` (seeded; ${c.minutes.toFixed(1)} min on the shared 2-core machine, head training
${c.trainSeconds.toFixed(0)} s). Measure: \`npm run eval -- --dataset ../shared/datasets/safety-vest-v4/test --format yolo --model yolox-nano-coco,ppe-vest\`.

## Model
- Stage 2 (\`own-vest-classifier\`, \`src/vision/detect/plugins/ppe-vest.ts\`): for each \`person\` from the stage-1 detector
  (YOLOX-Nano COCO, score ≥ 0.3, largest 8), the person box is cropped and stretched to 128×256 (NHWC, BGR 0..255).
- Graph: Intel OMZ person-reidentification-retail-${c.embedder} (Apache-2.0), frozen → L2 normalisation (256), concatenated
  with 2 hi-vis colour shares and ${c.cues} hue/tone cues of the torso band (computed by nodes in the same graph,
  \`training/vest/\`) → Gemm ${c.inputs}→32 → ReLU → Gemm 32→1 → Sigmoid = p(vest) (output \`p_vest\` [1,1]). The head
  is ours (trained in TypeScript, class-balanced).
- Output: one detection per person: \`vest\` with score p if p ≥ ${c.thr}, else \`no_vest\` with score 1 − p. The box is
  the torso estimated from the person box: fractions [${c.torso.map((v) => v.toFixed(3)).join(', ')}] (x1, y1, x2, y2 of
  the person box; the median over ${c.counts.matched} labelled torsos matched to detected persons), with the vertical
  fractions taken of the person's whole height: a box shorter than ${c.whole.wholeAspect} × its width is a person cut off
  below, whose whole height is ${c.whole.wholeAspect} × its width (\`src/vision/detect/plugins/people.ts\` torsoOfPerson; the
  torso clipped to the box).
- That ${c.whole.wholeAspect} was chosen on validation: share of the ${c.counts.valMatched} validation torsos held by a detected
  person that the estimate finds at IoU ≥ 0.5 — ${c.whole.tried.map((t) => `${t.wholeAspect === 0 ? 'off' : t.wholeAspect} ${t.hitRate.toFixed(3)}`).join(', ')}.

## Data (credit)
- "Safety vest - v4", Roboflow Universe (workspace object-detection), **CC BY 4.0**: colete_refletivo → vest,
  sem_colete_refletivo → no_vest (torso boxes). Train ${c.counts.trainImgs} files (3 augmented copies per source photo;
  source photos also in valid/ or test/ removed), val ${c.counts.valImgs}, test ${c.counts.testImgs}.
- Crops are taken the way the runtime takes them: each labelled torso is paired with the smallest detected person
  box holding it (${c.counts.matched} of ${c.counts.trainPairs} training torsos); a torso no person detection holds gets a
  person box from the inverse torso map. Training crops: ${c.counts.trainCrops} (originals + 1 augmented copy each: crop,
  flip, brightness, contrast, saturation/greyscale, channel gains, noise, low resolution, blur, JPEG). Val ${c.counts.valCrops}.

## Threshold
p(vest) ≥ ${c.thr}: best balanced accuracy on validation (accuracy ${c.valR.acc.toFixed(3)}, balanced ${c.valR.bal.toFixed(3)}).

## Test results
Torso crops (held-back test split, ${c.counts.testCrops} crops, ${c.counts.testMatched} of them from detected persons; \`npm run eval\` prints this line
too, from the same pairing code, src/cli/commands/eval-crops.ts):
accuracy **${c.testR.acc.toFixed(3)}**, balanced accuracy ${c.testR.bal.toFixed(3)}, vest recall ${c.testR.tpr.toFixed(3)},
no_vest recall ${c.testR.tnr.toFixed(3)}. Target: accuracy ≥ 0.85.

Whole pipeline (person detector → vest classifier; boxes are estimated torsos, so AP@0.5 also measures the torso
estimate), same code as \`npm run eval\`:

| class | GT boxes | AP@0.5 | threshold | precision | recall |
|---|---|---|---|---|---|
${rows}

## Cost
One re-id pass per person crop on top of the person detector; \`npm run bench:models\` measures it per crop.

## Known weaknesses
- Small test split (${c.counts.testImgs} photos). Construction sites, daylight; metallurgy plants have orange/red aluminised
  heat-protective clothing, dirty vests, and overhead cameras, none of which are in the data.
- A person the stage-1 detector misses gets no vest decision at all; occluded people (crowds) share crops.
- The torso box is estimated from the person box alone: a person sitting, bending or crouching is taken for one cut
  off below and gets a poorly placed box; the label's torso and a vest's outline also differ from person to person.
`;
}
