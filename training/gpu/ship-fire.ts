/**
 * `tsx training/gpu/ship-fire.ts FILE` (the last step of `npm run train:fire-smoke`): builds the ONNX graph
 * from finetune_hardhat.py's `--task fire` output, checks it against the trainer on the probe image, writes
 * models/fire-smoke.onnx, then the frame threshold, test report, manifest and model card (finish-fire.ts,
 * shared with the frozen-backbone trainer).
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import { writeCard } from '../cards/write.ts';
import { finishFire, fireSplitCounts, fireSplits, FIRE_NAME } from '../head/finish-fire.ts';
import { finetunedFireCard } from './fire-card.ts';
import { finetunedProvenance, readDoc, writeChecked } from './finish-finetuned.ts';

const file = process.argv[2];
if (!file) {
  console.error(
    'usage: tsx training/gpu/ship-fire.ts FILE (the .json written by finetune_hardhat.py --task fire)',
  );
  process.exit(2);
}
const log = (m: string): void => console.log(m);
const doc = readDoc(file);
if (doc.task !== 'fire') {
  console.error(`${file}: not a --task fire run (task ${doc.task ?? 'hardhat'})`);
  process.exit(2);
}
const written = await writeChecked(doc, join(PROJECT_ROOT, 'models', `${FIRE_NAME}.onnx`));
const splits = await fireSplits();
const { split, negs } = splits;
const train = [...split.train, ...negs.train.hhw, ...negs.train.sv];
const val = [...split.val, ...negs.val.hhw, ...negs.val.sv];
const res = await finishFire(written, finetunedProvenance(FIRE_NAME, doc), val, splits, log);
const copiedWeights = Object.values(doc.copies).reduce((n, t) => n + t.dims.reduce((a, b) => a * b, 1), 0);
await writeCard(
  FIRE_NAME,
  finetunedFireCard({
    ...res,
    doc,
    ...written,
    copiedWeights,
    split: fireSplitCounts(splits, train, val),
  }),
);
log(`shipped ${FIRE_NAME} (sha256 ${written.sha256})`);
