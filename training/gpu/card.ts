/** Model-card text of the fine-tuned hard-hat model (written by ship-finetuned.ts, numbers filled in). */
import { hardhatHeadline } from '../cards/hardhat-held-out.ts';
import {
  HARDHAT_DECODING_TEXT,
  HARDHAT_LABELS_TEXT,
  HARDHAT_MEASURE,
  HARDHAT_WEAKNESSES,
  hardhatDataText,
  hardhatResultsText,
  type HardhatResultsInput,
} from '../cards/hardhat.ts';
import type { FinetunedDoc } from './finish-finetuned.ts';

/** The Model section's first bullets, the same for every fine-tuned model (hard hat, fire/smoke). */
export const finetunedBaseText = (
  doc: FinetunedDoc,
  copiedWeights: number,
): string => `- Base: YOLOX-Nano (COCO, 416×416, Apache-2.0, Megvii; ONNX from Kazuhito00/MOT-Tracking-by-Detection-Pipeline
  commit e50a76b8). Input and output are YOLOX's: 416×416 BGR 0..255, top-left letterbox padded with 114; output
  \`output\` [1, 3549, 5 + classes] raw head rows (tx, ty, tw, th, objectness, class scores; sigmoids applied).
- Frozen and shared: YOLOX-Nano up to the tensors ${doc.cut.map((t) => `\`${t}\``).join(', ')} (cut \`${doc.cutName}\`),
  unchanged, so in the service it runs once per frame for the person detector and every head
  (\`detect.shareBackbone\`, src/vision/detect/onnx/merge-heads.ts).
- Fine-tuned (ours): copies of every YOLOX-Nano node after the cut up to the head's classification and regression
  branches (${doc.copyNodes.length} nodes, ${copiedWeights} weights, renamed under \`ft/\` in the graph), started from COCO's
  weights and trained together with the head below.`;

export interface FinetunedCardInput extends HardhatResultsInput {
  doc: FinetunedDoc;
  sha256: string;
  bytes: number;
  copiedWeights: number;
}

export function finetunedCard(c: FinetunedCardInput): string {
  const a = c.doc.args;
  return `# ppe-hardhat — hard hat (\`helmet\`) vs bare head (\`head\`)

File \`models/ppe-hardhat.onnx\`, ${c.bytes} bytes, sha256 \`${c.sha256}\`.
Reproduce: \`npm run train:ppe-hardhat\` (training/gpu/train.sh hardhat: pack the photos, fine-tune with PyTorch,
ship). Trained in ${c.doc.seconds} s on ${c.doc.device} (PyTorch ${c.doc.torch}), seed ${String(a.seed)}. Measure: ${HARDHAT_MEASURE}

${hardhatHeadline(c.loso)}
## Model

${finetunedBaseText(c.doc, c.copiedWeights)}
- Head (ours): per grid cell of each level (strides 8/16/32) a 2-layer perceptron (${c.doc.mlp.dim} → ${c.doc.mlp.hidden} → ${c.doc.mlp.out},
  ReLU; two 1×1 convolutions) reads the fine-tuned 64 classification and 64 regression values, mean B, G, R and
  chroma (÷ 255) of the cell and of the cell above, and the classification values of the cells one row above and
  below (zero past the frame's edge): the same graph nodes as the frozen-backbone head (training/head/export.ts).
- Training (training/gpu/finetune_hardhat.py): YOLOX-Nano's ONNX graph replayed node by node in PyTorch (no hand
  rebuilt network). AdamW, head learning rate ${String(a.lr)}, copies ${String(a.lr_copy)}, cosine schedule with warm-up,
  ${String(a.epochs)} epochs, batch ${String(a.batch)}, EMA ${String(a.ema)} of the weights (shipped). Labels per cell as in
  training/head/assign.ts (centre radius ${String(a.radius)} strides; head sizes 0–48 / 24–112 / ≥ 80 px per level). Loss:
  objectness BCE whose target for a positive is the IoU its box reaches (quality objectness), class BCE, box L1 +
  ${String(a.iou_loss)} × (1 − IoU), over every cell of every photo. Augmentation on the GPU: scale 0.45–1.35 of the
  letterboxed size at a random place (zoom-out and crop), flip, saturation 0.4–1.5, brightness 0.55–1.35, contrast
  0.7–1.3, channel gains ±8 %, blur (1 in 4), noise; the photos are also JPEG-recompressed (quality 70) when packed.
${HARDHAT_LABELS_TEXT}
${HARDHAT_DECODING_TEXT}
- Checked on export: the ONNX graph's output on a fixed probe image matches the trainer's (float32) output.

## Data (credit)

${hardhatDataText(c.counts)}
- Each epoch draws every hard-hat-workers photo 3 times and every safety-vest-v4 file once (its 3 copies per photo).
  The test splits are never packed for training (training/gpu/pack-hardhat.ts).

${hardhatResultsText(c)}

## Cost

${c.test.hhw.msPerImage.toFixed(1)} ms per image in the evaluation loop (JPEG decode + letterbox + inference + decode), onnxruntime
intraOpNumThreads 1, on a 2-core machine shared with other jobs. Alone it is a full YOLOX-Nano pass; in the default
pipeline it runs merged with YOLOX-Nano and the fire/smoke head, where it adds the copied layers and the perceptron
to the shared backbone pass (cost of the merged stage: \`npm run bench:models\`).

## Known weaknesses

${HARDHAT_WEAKNESSES}
- 1,285 training files from about 700 photos: the fine-tuned layers can fit those photos' scenes; validation loss was
  lowest around epoch 30–40 of 60 and rose a little after (AP was judged on the shipped epoch-60 weights).
`;
}
