/**
 * `tsx training/gpu/ship-finetuned.ts FILE` (the last step of `npm run train:ppe-hardhat`): builds the ONNX
 * graph from finetune_hardhat.py's output, checks it against the trainer on the probe image, writes
 * models/ppe-hardhat.onnx, then thresholds, test report, manifest (finish-hardhat.ts), the held-out-source
 * figures (cards/loso.ts) and the model card.
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import { measureLoso } from '../cards/loso.ts';
import { writeCard } from '../cards/write.ts';
import {
  finishHardhat,
  hardhatBoxes,
  hardhatCounts,
  hardhatSplits,
  HARDHAT_NAME,
} from '../head/finish-hardhat.ts';
import { finetunedCard } from './card.ts';
import { finetunedProvenance, readDoc, writeChecked } from './finish-finetuned.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: tsx training/gpu/ship-finetuned.ts FILE (the .json written by finetune_hardhat.py)');
  process.exit(2);
}
const log = (m: string): void => console.log(m);
const doc = readDoc(file);
const written = await writeChecked(doc, join(PROJECT_ROOT, 'models', `${HARDHAT_NAME}.onnx`));
const splits = await hardhatSplits();
const { hVal, sv } = splits;
const res = await finishHardhat(
  written,
  finetunedProvenance(HARDHAT_NAME, doc),
  hardhatBoxes([...hVal, ...sv.val]),
  splits,
  log,
);
const copiedWeights = Object.values(doc.copies).reduce((n, t) => n + t.dims.reduce((a, b) => a * b, 1), 0);
// the card leads with the held-out source: measured now, on the file just shipped (models/ppe-hardhat.loso.json)
const [loso] = await measureLoso([HARDHAT_NAME], 'npm run train:ppe-hardhat', log);
await writeCard(
  HARDHAT_NAME,
  finetunedCard({
    doc,
    ...written,
    copiedWeights,
    thresholds: res.thresholds,
    valF1: res.valF1,
    counts: hardhatCounts(splits),
    test: { hhw: res.testH, sv: res.testS },
    loso: loso!,
  }),
);
log(`shipped ${HARDHAT_NAME} (sha256 ${written.sha256})`);
