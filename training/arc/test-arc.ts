/**
 * The arc recipe's test read and card: run by `npm run train:arc` after training, or alone
 * (`tsx training/arc/test-arc.ts`) for the run recorded in var/arc-synth/last-run.json once it has been
 * chosen on validation (JH_ARC_VAL_ONLY=1 runs stop before the test split).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findModel, loadManifest } from '../../src/vision/detect/manifest.ts';
import { writeCard } from '../cards/write.ts';
import { arcCard } from './arc-card.ts';
import { arcSplit, backgrounds, SYNTH_DIR, type ArcImage } from './arc-data.ts';
import { ARC_NAME, testArc, type ArcChoice } from './finish-arc.ts';

export const LAST_RUN = join(SYNTH_DIR, 'last-run.json');

interface Counts {
  frames: number;
  composites: number;
  bySource: Record<string, number>;
}
/** What a training run leaves for its test read and card. */
export interface ArcRun {
  seed: number;
  hidden: number;
  colour: unknown;
  dims: { in: number; out: number };
  file: { sha256: string; bytes: number };
  seconds: { features: number; training: number };
  minutes: number;
  counts: { train: Counts; val: Counts; test: Counts };
  T: number;
  val: ArcChoice['val'];
}

export async function finishArcTest(
  run: ArcRun,
  test: readonly ArcImage[],
  log: (m: string) => void,
): Promise<void> {
  const entry = findModel(loadManifest(), ARC_NAME);
  if (entry.sha256 !== run.file.sha256)
    throw new Error('models/manifest.json holds another arc model than the last run');
  const t = await testArc(entry, test, log);
  await writeCard(ARC_NAME, arcCard(run, t));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const run = JSON.parse(readFileSync(LAST_RUN, 'utf8')) as ArcRun;
  const test = await arcSplit('test', (await backgrounds()).test, run.seed + 2, console.log);
  await finishArcTest(run, test, console.log);
}
