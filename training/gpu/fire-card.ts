/** Model-card text of the fine-tuned fire/smoke model (written by ship-fire.ts, numbers filled in). */
import {
  FIRE_MEASURE,
  FIRE_NO_HELD_OUT,
  fireDataText,
  fireDecisionText,
  fireTestText,
  fireThresholdsText,
  fireWeaknessesText,
  type FireResultsInput,
} from '../cards/fire.ts';
import { finetunedBaseText } from './card.ts';
import type { FinetunedDoc } from './finish-finetuned.ts';

export interface FinetunedFireCardInput extends FireResultsInput {
  doc: FinetunedDoc;
  sha256: string;
  bytes: number;
  copiedWeights: number;
}

export function finetunedFireCard(c: FinetunedFireCardInput): string {
  const a = c.doc.args;
  return `# fire-smoke — \`fire\` and \`smoke\` on CCTV frames, with a frame-level decision

File \`models/fire-smoke.onnx\`, ${c.bytes} bytes, sha256 \`${c.sha256}\`.
Reproduce: \`npm run train:fire-smoke\` (training/gpu/train.sh fire: pack the frames, fine-tune with PyTorch, ship).
Trained in ${c.doc.seconds} s on ${c.doc.device} (PyTorch ${c.doc.torch}), seed ${String(a.seed)}. Measure:
${FIRE_MEASURE}.

${FIRE_NO_HELD_OUT}
## Model

${finetunedBaseText(c.doc, c.copiedWeights)}
- Head (ours): per grid cell of each level (strides 8/16/32) a 2-layer perceptron (${c.doc.mlp.dim} → ${c.doc.mlp.hidden} → ${c.doc.mlp.out},
  ReLU; two 1×1 convolutions) reads the fine-tuned 64 classification and 64 regression values and the mean B, G, R
  and chroma (÷ 255) of the cell and of the cell above (flame and smoke are colours first): the same graph nodes as
  the frozen-backbone head (training/head/export.ts).
- Training (training/gpu/finetune_hardhat.py \`--task fire\`): YOLOX-Nano's ONNX graph replayed node by node in
  PyTorch (no hand-rebuilt network). AdamW, head learning rate ${String(a.lr)}, copies ${String(a.lr_copy)}, cosine schedule
  with warm-up over ${String(a.epochs)} epochs, stopped after ${String(c.doc.epochsDone ?? a.epochs)} (chosen on validation: card, status), batch ${String(a.batch)}, EMA ${String(a.ema)} of the weights (shipped). Labels per cell as in
  training/head/assign.ts (centre radius ${String(a.radius)} strides; box sizes 0–64 / 32–160 / ≥ 96 px per level). Loss:
  objectness BCE, class BCE, box L1 + ${String(a.iou_loss)} × (1 − IoU), over every cell of every frame. Augmentation:
  scale 0.45–1.35 of the letterboxed size at a random place (zoom-out and crop), flip, saturation 0.4–1.5,
  brightness 0.55–1.35, contrast 0.7–1.3, channel gains ±8 %, blur (1 in 4), noise; the frames are also
  JPEG-recompressed (quality 70) when packed.
${fireDecisionText(c.T)}
- Checked on export: the ONNX graph's output on a fixed probe image matches the trainer's (float32) output.

## Data (credit)
${fireDataText(c.split)}
- Each epoch draws every CCTV training frame with fire twice, every one without fire 3 times, and each added photo
  once (training/gpu/pack-fire.ts). The test clips are never packed for training.

${fireThresholdsText(c)}

${fireTestText(c.test)}

## Cost

${c.test.msPerImage.toFixed(1)} ms per frame in the evaluation loop (decode + letterbox + inference + decode), one
onnxruntime thread, shared 2-core machine. Alone it is a full YOLOX-Nano pass; in the default pipeline it runs merged
with YOLOX-Nano and the hard-hat model on one backbone pass, where it adds its copied layers and the perceptron
(cost of the merged stage: \`npm run bench:models\`).

## Known weaknesses
${fireWeaknessesText(c.split)}
- ${c.split.trainClips} training clips: the fine-tuned layers can fit those clips' scenes; the threshold rests on few CCTV
  negatives. Fire/smoke box extents are loosely defined in the labels, so box AP understates the frame-level usefulness.
`;
}
