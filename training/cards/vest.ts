/**
 * Model-card text of ppe-vest (written by train-vest.ts). It leads with the held-out source
 * (vest-held-out.ts, from models/ppe-vest.loso.json); the in-source test figures come from the report the
 * trainer writes to models/ppe-vest.eval.json.
 */
import type { CropRates } from '../../src/cli/commands/eval-crops.ts';
import type { EvalReport } from '../../src/cli/commands/eval-run.ts';
import { FLATTERS, type LosoFile } from './held-out.ts';
import { reportTable } from './report-table.ts';
import { vestHeadline, vestInFull } from './vest-held-out.ts';

/** models/ppe-vest.eval.json: torso-crop accuracy and the whole pipeline on the in-source test split. */
export interface VestTests {
  crops: CropRates;
  test: EvalReport;
}

/** The In-source test results section, from the test report alone. */
function vestInSourceText(t: VestTests): string {
  const r = t.crops;
  return `## In-source test results (flattering: the held-back test split of the one source it trained on)

Read these after the held-out source above: ${FLATTERS.charAt(0).toLowerCase()}${FLATTERS.slice(1)}.

Torso crops (held-back test split, ${r.crops} crops, ${r.fromDetected} of them from detected persons; \`npm run eval\` prints this line
too, from the same pairing code, src/cli/commands/eval-crops.ts):
accuracy **${r.acc.toFixed(3)}**, balanced accuracy ${r.bal.toFixed(3)}, vest recall ${r.tpr.toFixed(3)},
no_vest recall ${r.tnr.toFixed(3)}. Target: accuracy ≥ 0.85.

Whole pipeline (person detector → vest classifier; boxes are estimated torsos, so AP@0.5 also measures the torso
estimate), same code as \`npm run eval\`:

${reportTable(t.test)}`;
}

export interface VestCardInput {
  bytes: number;
  sha256: string;
  thr: number;
  torso: number[];
  /** the torso estimate's whole-height rule, chosen on validation (eval-crops.ts chooseWholeAspect) */
  whole: { wholeAspect: number; tried: { wholeAspect: number; hitRate: number }[] };
  valR: { acc: number; bal: number };
  test: VestTests;
  loso: LosoFile;
  counts: Record<
    | 'trainPairs'
    | 'matched'
    | 'trainCrops'
    | 'valCrops'
    | 'valMatched'
    | 'trainImgs'
    | 'valImgs'
    | 'testImgs',
    number
  >;
  trainSeconds: number;
  minutes: number;
  /** Head inputs, and how many of them are the torso-band cues of training/vest/cues.ts. */
  inputs: number;
  cues: number;
  /** the re-id embedder's OMZ number (training/vest/classifier.ts REID_SHA) */
  embedder: string;
}

export function vestCard(c: VestCardInput): string {
  return `# ppe-vest — hi-vis vest (\`vest\`) vs none (\`no_vest\`) per detected person

File \`models/ppe-vest.onnx\`, ${c.bytes} bytes, sha256 \`${c.sha256}\`.
Reproduce: \`npm run train:ppe-vest\` (seeded; ${c.minutes.toFixed(1)} min on the shared 2-core machine, head training
${c.trainSeconds.toFixed(0)} s). Measure: \`npm run eval\` (no arguments: every source, held out and in-source). The in-source test split
alone (flattering): \`npm run eval -- --dataset ../shared/datasets/safety-vest-v4/test --format yolo --model yolox-nano-coco,ppe-vest\`.

${vestHeadline(c.loso)}
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

${vestInFull(c.loso, c.test.test)}
${vestInSourceText(c.test)}

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
