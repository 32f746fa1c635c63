/**
 * The hard-hat model's last steps, shared by both trainers (train-hardhat.ts, frozen backbone on the CPU;
 * training/gpu/ship-finetuned.ts, fine-tuned copies): thresholds chosen on validation with box voting on,
 * the held-back test splits measured once, the manifest (and the opt-in crops entry that runs the same
 * file) and models/ppe-hardhat.eval.json written.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelledImage } from '../../src/cli/commands/eval-data.ts';
import type { EvalReport } from '../../src/cli/commands/eval-run.ts';
import { loadManifest, PROJECT_ROOT, type ModelEntry } from '../../src/vision/detect/manifest.ts';
import type { Label } from '../../src/vision/detect/types.ts';
import type { HardhatCounts } from '../cards/hardhat.ts';
import { hhw, safetyVest } from '../datasets.ts';
import { chooseThresholds, lowThresholdDetector, testReport, upsertManifest } from './finish.ts';
import { headEntry } from './train-yolox-head.ts';

export const HARDHAT_NAME = 'ppe-hardhat';
export const HARDHAT_LABELS: Label[] = ['helmet', 'head'];
/** box voting (ppe-postprocess.ts) is part of the model's decoding: thresholds are chosen with it on */
const VOTE = 0.5;

/** Only the hard-hat classes' boxes of each photo. */
export const hardhatBoxes = (imgs: readonly LabelledImage[]): LabelledImage[] =>
  imgs.map((i) => ({ ...i, gts: i.gts.filter((g) => HARDHAT_LABELS.includes(g.label)) }));

export interface HardhatSplits {
  hTrain: LabelledImage[];
  hVal: LabelledImage[];
  hTest: LabelledImage[];
  sv: { train: LabelledImage[]; val: LabelledImage[]; test: LabelledImage[] };
}

/** How many files each split holds (the cards' Data section). */
export const hardhatCounts = (s: HardhatSplits): HardhatCounts => ({
  hTrain: s.hTrain.length,
  hVal: s.hVal.length,
  hTest: s.hTest.length,
  svTrain: s.sv.train.length,
  svVal: s.sv.val.length,
  svTest: s.sv.test.length,
});

export async function hardhatSplits(): Promise<HardhatSplits> {
  const [hTrain, hVal, hTest, sv] = await Promise.all([hhw('train'), hhw('val'), hhw('test'), safetyVest()]);
  return { hTrain, hVal, hTest, sv };
}

export interface HardhatFinish {
  thresholds: Record<string, number>;
  valF1: Record<string, number>;
  testH: EvalReport;
  testS: EvalReport;
}

export async function finishHardhat(
  file: { sha256: string; bytes: number },
  entryExtra: Partial<ModelEntry>,
  val: readonly LabelledImage[],
  s: HardhatSplits,
  log: (m: string) => void,
): Promise<HardhatFinish> {
  // runWhen: in the service the head runs only on frames where YOLOX-Nano found a person (a hard hat
  // or bare head belongs to a person; src/vision/detect/plugins/shared-backbone.ts)
  const options = { ...entryExtra.options, runWhen: ['person'] };
  const make = (thresholds: ModelEntry['thresholds']) =>
    headEntry(HARDHAT_NAME, HARDHAT_LABELS, file.sha256, file.bytes, { ...entryExtra, thresholds, options });
  const low = await lowThresholdDetector(
    make({ score: 0.3, nms: 0.45, vote: VOTE } as ModelEntry['thresholds']),
  );
  const { thresholds, valF1 } = await chooseThresholds(low, val, HARDHAT_LABELS);
  log(`thresholds (best F1 on validation): ${JSON.stringify(thresholds)} F1 ${JSON.stringify(valF1)}`);
  const entry = make({
    score: Math.min(...Object.values(thresholds)),
    nms: 0.45,
    vote: VOTE,
    perClass: thresholds,
  } as ModelEntry['thresholds']);
  const evalOpts = { labels: HARDHAT_LABELS, thresholds };
  const testH = await testReport(low, 'hard-hat-workers test', hardhatBoxes(s.hTest), evalOpts, log);
  const testS = await testReport(low, 'safety-vest-v4 test', hardhatBoxes(s.sv.test), evalOpts, log);
  upsertManifest(entry);
  // the opt-in person-crop pass (ppe-hardhat-crops) runs this same file: keep its checksum and thresholds in step
  const crops = loadManifest().models.find((m) => m.name === `${HARDHAT_NAME}-crops`);
  if (crops)
    upsertManifest({
      ...crops,
      sha256: file.sha256,
      bytes: file.bytes,
      thresholds: entry.thresholds,
      licence: entry.licence,
      trainedBy: entry.trainedBy,
      source: `${entry.source}; the same file run on person crops (src/vision/detect/plugins/ppe-head-crops.ts)`,
    });
  writeFileSync(
    join(PROJECT_ROOT, 'models', `${HARDHAT_NAME}.eval.json`),
    `${JSON.stringify({ hhw: testH, sv: testS }, null, 2)}\n`,
  );
  return { thresholds, valF1, testH, testS };
}
