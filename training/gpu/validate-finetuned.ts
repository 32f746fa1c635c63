/**
 * `tsx training/gpu/validate-finetuned.ts FILE...`: for each output of finetune_hardhat.py, builds the ONNX
 * graph (checked against the trainer on the probe), writes it under .gpu/candidates/ and prints AP@0.5 on
 * the validation splits (hard-hat-workers val, safety-vest-v4 valid) — for choosing between runs. The
 * test splits are not read, and nothing under models/ is written.
 */
import { basename } from 'node:path';
import { hhw, safetyVest } from '../datasets.ts';
import { chooseThresholds, lowThresholdDetector, testReport } from '../head/finish.ts';
import { hardhatBoxes as keep, HARDHAT_LABELS } from '../head/finish-hardhat.ts';
import { candidateEntry, readDoc, writeChecked } from './finish-finetuned.ts';
import { PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import { join } from 'node:path';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: tsx training/gpu/validate-finetuned.ts FILE... (outputs of finetune_hardhat.py)');
  process.exit(2);
}
const [hVal, sv] = await Promise.all([hhw('val'), safetyVest()]);
const quiet = (): void => undefined;
for (const file of files) {
  const doc = readDoc(file);
  const out = join(PROJECT_ROOT, '.gpu', 'candidates', `${basename(file, '.json')}.onnx`);
  const { sha256, bytes } = await writeChecked(doc, out);
  const detect = await lowThresholdDetector(candidateEntry(doc.name, out, sha256, bytes));
  const { thresholds } = await chooseThresholds(detect, keep([...hVal, ...sv.val]), HARDHAT_LABELS);
  const o = { labels: HARDHAT_LABELS, thresholds };
  const a = await testReport(detect, 'hard-hat-workers val', keep(hVal), o, quiet);
  const b = await testReport(detect, 'safety-vest-v4 valid', keep(sv.val), o, quiet);
  const ap = (r: typeof a) => r.classes.map((c) => `${c.label} ${c.ap.toFixed(3)}`).join(' / ');
  console.log(
    `${basename(file)} (cut ${doc.cutName}, ${String(doc.args.epochs)} epochs, ${doc.seconds} s on ${doc.device}): ` +
      `AP@0.5 hard-hat-workers val ${ap(a)} | safety-vest-v4 valid ${ap(b)} | thresholds ${JSON.stringify(thresholds)}`,
  );
}
