/**
 * The held-out-source (leave-one-source-out) sections the PPE cards lead with, rendered from
 * models/<model>.loso.json (training/cards/loso.ts writes it; nothing here is a typed-in figure). A test
 * split from the sources a model trained on flatters it, so these come first and the in-source figures
 * stand beside them labelled as such. Pure: the model-specific wording is in hardhat-held-out.ts and
 * vest-held-out.ts.
 */
import type { CropRates } from '../../src/cli/commands/eval-crops.ts';
import type { AtIou, LabelFigures } from '../../src/cli/commands/eval-figures.ts';
import type { EvalReport } from '../../src/cli/commands/eval-run.ts';
import { SOURCES, type SourceName } from '../../src/cli/commands/eval-sources.ts';
import type { Summary, SummaryRow } from '../../src/cli/commands/eval-summary.ts';

/** models/<model>.loso.json: one model's rows of the `npm run eval` summary, and what was measured. */
export interface LosoFile {
  model: string;
  /** sha256 of every file in the measured pipeline (the model and its person detector) */
  files: Record<string, string>;
  /** the command that wrote the file */
  command: string;
  measured: { started: string; finished: string };
  minScore: number;
  rows: SummaryRow[];
  notMeasured: Summary['notMeasured'];
}

export const HEADLINE_HEADING = '## Headline: held-out source first (leave-one-source-out)';
export const IN_FULL_HEADING = '## Held-out source / leave-one-source-out, in full (`npm run eval:loso`)';
export const FLATTERS = 'A test split from the same sources as the training data flatters a model';

/** How a source is credited where it is measured on but not trained on. */
const CREDIT: Record<SourceName, string> = {
  'hard-hat-workers':
    'Hard Hat Workers (Northeastern University, China; via MakeML / Roboflow Public), public domain',
  'safety-vest-v4': '"Safety vest - v4" (Roboflow Universe, workspace object-detection, CC BY 4.0)',
  'construction-site-safety': `Construction Site Safety (Roboflow Universe "Construction Site Safety" v28,
roboflow-universe-projects, CC BY 4.0)`,
};

export const f3 = (v: number): string => (Number.isNaN(v) ? 'n/a' : v.toFixed(3));
const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five'];
export const inWords = (n: number): string => NUMBER_WORDS[n] ?? String(n);

export const heldOutRows = (l: LosoFile): SummaryRow[] => l.rows.filter((r) => r.kind === 'held-out-source');
export const inSourceRows = (l: LosoFile): SummaryRow[] => l.rows.filter((r) => r.kind === 'in-source');
/** Which images of a source were read: the test split, or every non-training photo of a held-out source. */
export const setName = (r: SummaryRow): string => (r.set === 'test' ? 'test' : 'valid + test');
export const setText = (r: SummaryRow): string => `${setName(r)} (${r.images} photos)`;
export const and = (xs: readonly string[]): string =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;

/** AP at the row's IoUs, "0.632 / 0.245". */
const apPair = (c: LabelFigures | undefined): string => (c ? c.at.map((a) => f3(a.ap)).join(' / ') : 'n/a');
export const figureOf = (r: SummaryRow, label: string): LabelFigures | undefined =>
  r.classes.find((c) => c.label === label);
export const atIou = (c: LabelFigures | undefined, iou: number): AtIou | undefined =>
  c?.at.find((a) => a.iou === iou);

/** The headline's opening paragraph: which source it never saw, and where the figures come from. */
export function headlineIntro(l: LosoFile, beside: string, what: string): string {
  const held = heldOutRows(l).map((r) => `${r.source} (${setName(r)}, ${r.images} photos; never trained on)`);
  const by =
    l.command === 'npm run eval:loso'
      ? '`npm run eval:loso`'
      : `\`${l.command}\` after shipping (\`npm run eval:loso\` measures it again)`;
  return `${FLATTERS}, so this model is reported first on a
source it never saw: ${and(held)}.
Beside it, labelled as such, ${beside}.
${what}.
Figures: \`models/${l.model}.loso.json\`, written by ${by} (the measurement \`npm run eval\` prints
with no arguments); the full table is in "Held-out source / leave-one-source-out, in full" below.`;
}

/**
 * The headline table: one row per label, AP at each IoU held out (bold) and in each in-source test split
 * ("flattering"), then the torso-crop accuracy where the rows carry one.
 */
export function headlineTable(l: LosoFile, labelCell: Record<string, string>): string {
  const rows = [...heldOutRows(l), ...inSourceRows(l)];
  const ious = rows[0]?.classes[0]?.at.map((a) => `AP@${a.iou}`).join(' / ') ?? '';
  const col = (r: SummaryRow): string =>
    r.kind === 'held-out-source'
      ? `held-out source: ${r.source} ${ious}`
      : `in-source (flattering): ${r.source} test ${ious}`;
  const bold = (r: SummaryRow, s: string): string => (r.kind === 'held-out-source' ? `**${s}**` : s);
  const crops = rows.some((r) => r.crops);
  const lines = [
    `| ${crops ? 'class / figure' : 'class'} | ${rows.map(col).join(' | ')} |`,
    `|---|${rows.map(() => '---|').join('')}`,
    ...Object.entries(labelCell).map(
      ([label, cell]) => `| ${cell} | ${rows.map((r) => bold(r, apPair(figureOf(r, label)))).join(' | ')} |`,
    ),
  ];
  if (crops) {
    const c = (r: SummaryRow): string =>
      r.crops ? `${bold(r, f3(r.crops.acc))} (${r.crops.crops} crops)` : 'n/a';
    lines.push(`| torso-crop accuracy | ${rows.map(c).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The sources the model trained on that no held-out figure exists for, and why. */
export function notMeasuredText(l: LosoFile, trainedOn: readonly string[]): string {
  const names = l.notMeasured.map((n) => n.source);
  if (names.length === 0) return '';
  return trainedOn.length === 1
    ? `- A held-out figure for ${names[0]} (the only source the recipe trains on): **not measured**;
  nothing is left to train on without it.`
    : `- Held-out figures for ${and(names)} (each left out in turn): **not measured**;
  each needs the recipe retrained without it.`;
}

/** The in-full section's source table; `box` gives the model's own columns of how each source draws. */
export function sourcesTable(
  l: LosoFile,
  box: { head: string[]; cells: (r: SummaryRow) => string[] },
): string {
  const licence = (r: SummaryRow): string => SOURCES.find((s) => s.name === r.source)?.licence ?? '?';
  const held = (r: SummaryRow): boolean => r.kind === 'held-out-source';
  return [
    `| source | licence | trained on it | ${box.head.join(' | ')} | set read |`,
    `|---|---|---|${box.head.map(() => '---|').join('')}---|`,
    ...l.rows.map(
      (r) =>
        `| ${r.source} | ${held(r) ? `**${licence(r)}**` : licence(r)} | ${held(r) ? '**no**' : 'yes'} | ` +
        `${box.cells(r).join(' | ')} | ${setText(r)} |`,
    ),
  ].join('\n');
}

/** Why the held-out sources are named on the card although the model never trained on them. */
export const creditText = (l: LosoFile): string =>
  heldOutRows(l)
    .map(
      (r) => `${CREDIT[r.source as SourceName]}\nis credited here because it is measured on, not trained on.`,
    )
    .join(' ');

/** When and on which files the stored figures were measured. */
export function measuredText(l: LosoFile): string {
  const [day, from] = l.measured.started.split('T');
  const to = l.measured.finished.split('T')[1];
  const files = Object.entries(l.files).map(([n, sha]) => `${n} \`${sha.slice(0, 8)}…\``);
  return `Measured ${day} ${from?.slice(0, 5)}–${to?.slice(0, 5)} UTC by \`${l.command}\` (speed not quoted), on the files
(sha256) ${and(files)}.`;
}

/** The full figures table: every source, every label, AP and precision / recall at each IoU. */
export function figuresTable(l: LosoFile): string {
  const ious = l.rows[0]?.classes[0]?.at.map((a) => a.iou) ?? [];
  return [
    `| source | kind | class | GT | ${ious.map((i) => `AP@${i}`).join(' | ')} | thr | ${ious.map((i) => `P / R @${i}`).join(' | ')} |`,
    `|---|---|---|---|${ious.map(() => '---|').join('')}---|${ious.map(() => '---|').join('')}`,
    ...l.rows.flatMap((r) =>
      r.classes.map(
        (c) =>
          `| ${r.source} | ${r.kind === 'held-out-source' ? '**held-out-source**' : 'in-source'} | ${c.label} | ${c.gts} | ` +
          `${c.at.map((a) => f3(a.ap)).join(' | ')} | ${c.threshold.toFixed(2)} | ` +
          `${c.at.map((a) => `${f3(a.precision)} / ${f3(a.recall)}`).join(' | ')} |`,
      ),
    ),
  ].join('\n');
}

/**
 * A bullet on why the first in-source figure here differs from the in-source test section's (`inSource`, the
 * trainer's report): `why` says how the two count.
 */
export function inSourceApNote(l: LosoFile, inSource: EvalReport, label: string, why: string): string {
  const first = inSourceRows(l)[0];
  const here = first && atIou(figureOf(first, label), 0.5)?.ap;
  const there = inSource.classes.find((c) => c.label === label)?.ap;
  return `- ${why}:
  hence \`${label}\` AP@0.5 ${here === undefined ? 'n/a' : f3(here)} on ${first?.source ?? 'n/a'} here, ${there === undefined ? 'n/a' : f3(there)} there.`;
}

/** "accuracy **0.794**, balanced 0.778 (vest recall 0.725, no_vest 0.830)" */
export const cropText = (c: CropRates): string =>
  `accuracy **${f3(c.acc)}**, balanced ${f3(c.bal)} (vest recall ${f3(c.tpr)}, no_vest ${f3(c.tnr)})`;

/** "met in-source only, **not held out**" and the like, for a target read on both kinds of source. */
export function metText(inSource: boolean, heldOut: boolean): string {
  if (inSource && heldOut) return 'met in-source and **held out**';
  if (inSource) return 'met in-source only, **not held out**';
  if (heldOut) return 'met held out, **not in-source**';
  return '**not met** in-source or held out';
}
