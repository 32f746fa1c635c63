/**
 * The held-out-source (leave-one-source-out) figures a PPE model's card leads with, kept beside the model
 * as models/<model>.loso.json. They are the measurement `npm run eval` prints with no arguments
 * (src/cli/commands/eval-summary.ts), run for one model and stored, so the card generators read them
 * from a file the measurement wrote and never from figures typed into the card code. Written by
 * `npm run eval:loso` (training/eval-loso.ts) and by each PPE trainer after it ships a model.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSummary } from '../../src/cli/commands/eval-summary.ts';
import { PPE_MODELS, type PpeModel } from '../../src/cli/commands/eval-sources.ts';
import { findModel, loadManifest, PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import type { LosoFile } from './held-out.ts';

export type PpeName = PpeModel['name'];

/** The options every stored figure is measured with (those of `npm run eval`'s defaults). */
const LOSO_OPTIONS = { minScore: 0.05, ious: [0.3, 0.5] } as const;

export const losoPath = (model: PpeName): string => join(PROJECT_ROOT, 'models', `${model}.loso.json`);

/**
 * Measures each model on every source (in-source test splits, held-out sources whole) with the shipped
 * files the manifest names, and writes models/<model>.loso.json for each (about 30 s for both PPE models
 * on the shared 2 cores, 2026-12-07).
 */
export async function measureLoso(
  models: readonly PpeName[],
  command: string,
  log: (m: string) => void,
): Promise<LosoFile[]> {
  const started = new Date().toISOString();
  const summary = await runSummary({ ...LOSO_OPTIONS, models }, log);
  const finished = new Date().toISOString();
  const manifest = loadManifest();
  return models.map((model) => {
    const pipeline = PPE_MODELS.find((m) => m.name === model)?.pipeline ?? [model];
    const file: LosoFile = {
      model,
      // the files measured: a retrained model (or person detector) makes these figures another model's
      files: Object.fromEntries(pipeline.map((n) => [n, findModel(manifest, n).sha256])),
      command,
      measured: { started, finished },
      minScore: summary.minScore,
      rows: summary.rows.filter((r) => r.model === model),
      notMeasured: summary.notMeasured.filter((n) => n.model === model),
    };
    writeFileSync(losoPath(model), `${JSON.stringify(file, null, 2)}\n`);
    log(`wrote models/${model}.loso.json`);
    return file;
  });
}
