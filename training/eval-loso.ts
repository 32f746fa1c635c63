/**
 * `npm run eval:loso [-- MODEL...]` (default: ppe-hardhat and ppe-vest): measures the shipped PPE models on
 * every labelled source, in-source and held-out-source, as `npm run eval` does with no arguments, writes
 * models/<model>.loso.json (training/cards/loso.ts) and rewrites the two card sections made from it (the
 * headline and "Held-out source / leave-one-source-out, in full"), leaving the rest of each card as it is.
 * Run it after anything that changes what the pipeline detects; it trains nothing. The trainers measure and
 * write the whole card themselves.
 */
import { readFileSync } from 'node:fs';
import { PPE_MODELS } from '../src/cli/commands/eval-sources.ts';
import { hardhatHeadline, hardhatInFull } from './cards/hardhat-held-out.ts';
import type { HardhatTests } from './cards/hardhat.ts';
import type { LosoFile } from './cards/held-out.ts';
import { losoPath, measureLoso, type PpeName } from './cards/loso.ts';
import { vestHeadline, vestInFull } from './cards/vest-held-out.ts';
import type { VestTests } from './cards/vest.ts';
import { replaceSections } from './cards/write.ts';

/** The in-source test report a model's trainer wrote (models/<model>.eval.json). */
const evalJson = <T>(model: PpeName): T =>
  JSON.parse(readFileSync(losoPath(model).replace(/\.loso\.json$/, '.eval.json'), 'utf8')) as T;

/** The models whose cards lead with a held-out headline made here (ppe-vest-head's card is written by hand). */
const SECTIONS: Partial<Record<PpeName, (l: LosoFile) => string[]>> = {
  'ppe-hardhat': (l) => [hardhatHeadline(l), hardhatInFull(l, evalJson<HardhatTests>('ppe-hardhat').hhw)],
  'ppe-vest': (l) => [vestHeadline(l), vestInFull(l, evalJson<VestTests>('ppe-vest').test)],
};

const known = PPE_MODELS.map((m) => m.name).filter((m) => SECTIONS[m] !== undefined);
const asked = process.argv.slice(2);
const bad = asked.find((a) => !(known as readonly string[]).includes(a));
if (bad) {
  console.error(`eval:loso: unknown model ${bad} (known: ${known.join(', ')})`);
  process.exit(2);
}
const models = (asked.length > 0 ? asked : known) as PpeName[];
for (const loso of await measureLoso(models, 'npm run eval:loso', console.log)) {
  const model = loso.model as PpeName;
  await replaceSections(model, SECTIONS[model]!(loso));
  console.log(`rewrote the held-out sections of models/${model}.card.md`);
}
