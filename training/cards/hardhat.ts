/**
 * Model-card text of ppe-hardhat: the parts both trainers share (this file's frozen-backbone card and
 * training/gpu/card.ts, the fine-tuned one that ships) and the frozen card itself. Both lead with the
 * held-out source (hardhat-held-out.ts, from models/ppe-hardhat.loso.json); the in-source test figures come
 * from the test report the trainer writes to models/ppe-hardhat.eval.json.
 */
import type { EvalReport } from '../../src/cli/commands/eval-run.ts';
import { reportTable } from './report-table.ts';
import type { HeadResult } from '../head/train-yolox-head.ts';
import { BACKBONE, colourText } from './frozen-head.ts';
import { hardhatHeadline, hardhatInFull } from './hardhat-held-out.ts';
import { FLATTERS, type LosoFile } from './held-out.ts';

export const HARDHAT_LABELS_TEXT = `- Labels: class 0 \`helmet\` (a head wearing a hard hat; the box covers head + hat), class 1 \`head\` (bare head).`;
export const HARDHAT_DECODING_TEXT = `- Box voting at decoding (manifest \`thresholds.vote\` 0.5): each box NMS keeps moves to the score-weighted mean of
  the candidate boxes (score ≥ 0.05, any class) overlapping it by IoU ≥ 0.5.
- Runtime plugin: \`src/vision/detect/plugins/ppe-yolox-head.ts\` (\`own-yolox-head\`), stage 1 (whole frame).`;
export const HARDHAT_WEAKNESSES = `- Trained on construction-site photos (mostly daylight, frontal, mid-distance): overhead CCTV views of a
  metallurgy plant, welding masks, hoods, caps and hair nets are not in the data; expect more helmet/head
  confusions there. Heads smaller than ~10 px in the 416 input are often missed.
- Bare heads are the minority class (548 vs 1873 boxes in hard-hat-workers); yellow/white caps and light hair
  can be called \`helmet\`.`;
/** The header's "Measure:" text: the held-out command first, the in-source test split labelled. */
export const HARDHAT_MEASURE = `\`npm run eval\`
(no arguments: every source, held out and in-source). One in-source test split (flattering): \`npm run eval -- --dataset ../shared/datasets/hard-hat-workers/images/test --format voc --model ppe-hardhat\`
(and \`--dataset ../shared/datasets/safety-vest-v4/test --format yolo --model ppe-hardhat --labels helmet,head\`).`;

export type HardhatCounts = Record<'hTrain' | 'hVal' | 'hTest' | 'svTrain' | 'svVal' | 'svTest', number>;
/** models/ppe-hardhat.eval.json: the in-source test reports, hard-hat-workers and safety-vest-v4. */
export interface HardhatTests {
  hhw: EvalReport;
  sv: EvalReport;
}

export const hardhatDataText = (
  counts: HardhatCounts,
): string => `- Hard Hat Workers (Northeastern University, China; via MakeML / Roboflow Public), public domain, 501-photo subset:
  train ${counts.hTrain}, val ${counts.hVal}, test ${counts.hTest} (its own split, one photo per file).
- "Safety vest - v4", Roboflow Universe (workspace object-detection), **CC BY 4.0**: classes capacete → helmet,
  sem_capacete → head. train ${counts.svTrain} files (3 augmented copies per source photo; every source photo that
  also appears in valid/ or test/ removed), val ${counts.svVal}, test ${counts.svTest}.`;

const hardhatThresholdsText = (c: {
  thresholds: Record<string, number>;
  valF1: Record<string, number>;
}): string => `## Thresholds (chosen on the validation splits, best F1 per class)

${Object.entries(c.thresholds)
  .map(([l, t]) => `- \`${l}\`: ${t} (val F1 ${(c.valF1[l] ?? 0).toFixed(3)})`)
  .join('\n')}
- NMS IoU 0.45 per class; box voting IoU 0.5.`;

const hardhatInSourceText = (
  t: HardhatTests,
): string => `## In-source test results (flattering: held-back test splits of the sources it trained on; same code as \`npm run eval\`)

Read these after the held-out source above: ${FLATTERS.charAt(0).toLowerCase()}${FLATTERS.slice(1)}.

hard-hat-workers test:

${reportTable(t.hhw)}

safety-vest-v4 test (${t.sv.images} photos, small):

${reportTable(t.sv)}

Targets: head AP@0.5 ≥ 0.6, helmet AP@0.5 ≥ 0.8.`;

/** What both hard-hat cards report after training, besides the model itself. */
export interface HardhatResultsInput {
  thresholds: Record<string, number>;
  valF1: Record<string, number>;
  counts: HardhatCounts;
  /** models/ppe-hardhat.eval.json (in-source test splits) and models/ppe-hardhat.loso.json (held out) */
  test: HardhatTests;
  loso: LosoFile;
}

/** The sections from Thresholds to the in-source test results, the same in both hard-hat cards. */
export const hardhatResultsText = (c: HardhatResultsInput): string => `${hardhatThresholdsText(c)}

${hardhatInFull(c.loso, c.test.hhw)}
${hardhatInSourceText(c.test)}`;

export interface HardhatCardInput extends HardhatResultsInput {
  res: HeadResult;
  minutes: number;
}

export function hardhatCard(c: HardhatCardInput): string {
  return `# ppe-hardhat — hard hat (\`helmet\`) vs bare head (\`head\`)

File \`models/ppe-hardhat.onnx\`, ${c.res.bytes} bytes, sha256 \`${c.res.sha256}\`.
Reproduce: \`npm run train:ppe-hardhat:frozen\` (seeded; ${c.minutes.toFixed(1)} min on the shared 2-core machine:
features ${c.res.seconds.features.toFixed(0)} s, MLP ${c.res.seconds.training.toFixed(0)} s). Measure: ${HARDHAT_MEASURE}

${hardhatHeadline(c.loso)}
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

${c.test.hhw.msPerImage.toFixed(1)} ms per image in the evaluation loop (JPEG decode + letterbox + inference + decode), onnxruntime
intraOpNumThreads 1, on a 2-core machine shared with other jobs (idle numbers are lower). Alone it is a full
YOLOX-Nano pass; in the default pipeline it runs merged with YOLOX-Nano and the fire/smoke head on one backbone
pass (\`detect.shareBackbone\`, manifest \`options.sharedBackbone\`; cost of the merged stage: \`npm run bench:models\`).

## Known weaknesses

${HARDHAT_WEAKNESSES}
- The backbone is frozen (COCO features); only the head was trained.
`;
}
