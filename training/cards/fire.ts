/**
 * Model-card text of fire-smoke: the parts both trainers share (this file's frozen-backbone card and
 * training/gpu/fire-card.ts, the fine-tuned one that ships) and the frozen card itself. No held-out-source
 * figure exists for it, and the card says so first (FIRE_NO_HELD_OUT); the test figures come from the
 * report the trainer writes to models/fire-smoke.eval.json.
 */
import type { EvalReport } from '../../src/cli/commands/eval-run.ts';
import type { FireFinish, fireSplitCounts } from '../head/finish-fire.ts';
import type { HeadResult } from '../head/train-yolox-head.ts';
import { BACKBONE, colourText } from './frozen-head.ts';
import { FLATTERS } from './held-out.ts';
import { reportTable } from './report-table.ts';

/** Why this model has no held-out-source figure: said before anything else on the card. */
export const FIRE_NO_HELD_OUT = `## Held-out source: no figure exists

${FLATTERS}, and every figure on this card is of that
kind: **no held-out-source (leave-one-source-out) figure exists for this model.** Why: every labelled fire/smoke
frame comes from one source ("fire" v8, fire-smoke-cctv), which it trains on; leaving it out leaves nothing to train
on, and no second labelled fire/smoke source is in ../shared. The test figures below are held-back **clips** of that
same source (split by clip, not by source), so they are in-source and flattering. The negative photos
(hard-hat-workers, safety-vest-v4) are in-source too: their train splits give training negatives. The only footage
it never trained on is the local factory clip (no fire: a false-alarm check, never used for a choice; see the
status section), which gives no recall figure. construction-site-safety, never trained on here, has no fire labels;
its photos as held-out negatives: not measured.
`;

/** The Data section's counts (finish-fire.ts `fireSplitCounts`). */
export type FireSplitCounts = ReturnType<typeof fireSplitCounts>;

/** What both fire/smoke cards (this trainer's and training/gpu/fire-card.ts) report after training. */
export interface FireResultsInput extends FireFinish {
  split: FireSplitCounts;
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

/** The Thresholds section (validation only). */
export function fireThresholdsText(c: FireResultsInput): string {
  return `## Thresholds (chosen on validation only)

- Frame threshold ${c.T}: the lowest score with ≤ 3% false-positive frames on each source of validation negatives
  separately (${c.split.valNeg} CCTV frames: none of them flagged; training/head/finish-fire.ts). Over all
  ${c.split.valNeg + c.split.addedValHhw + c.split.addedValSv} validation negatives: val recall ${c.valFrame.recall.toFixed(3)}, false-positive rate ${c.valFrame.fpRate.toFixed(3)}. By source:
  fire-smoke-cctv ${(c.valFpBySource['fire-smoke-cctv'] ?? 0).toFixed(3)} (${c.split.valNeg} frames), hard-hat-workers
  ${(c.valFpBySource['hard-hat-workers'] ?? 0).toFixed(3)}, safety-vest-v4 ${(c.valFpBySource['safety-vest-v4'] ?? 0).toFixed(3)}. CCTV validation clips alone: recall
  ${c.valCctv.recall.toFixed(3)}, false-positive rate ${c.valCctv.fpRate.toFixed(3)}.
- Box F1 on validation at its own best threshold: fire ${(c.valF1.fire ?? 0).toFixed(3)}, smoke ${(c.valF1.smoke ?? 0).toFixed(3)}.`;
}

/** The Test results section, from the test report alone (models/fire-smoke.eval.json `test`). */
export function fireTestText(test: EvalReport): string {
  const f = test.frame;
  return `## Test results (in-source, flattering: held-back clips of the one source it trained on; same code as \`npm run eval\`)

${reportTable(test)}

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

${FIRE_NO_HELD_OUT}
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

${fireThresholdsText(c)}

${fireTestText(c.test)}

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
