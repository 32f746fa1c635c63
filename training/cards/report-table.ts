/** The per-class test table of the cards' in-source sections (the figures `npm run eval` prints). */
import type { EvalReport } from '../../src/cli/commands/eval-run.ts';

export function reportTable(r: EvalReport): string {
  const rows = r.classes.map(
    (c) =>
      `| ${c.label} | ${c.gts} | ${c.ap.toFixed(3)} | ${c.threshold.toFixed(2)} | ${c.precision.toFixed(3)} | ${c.recall.toFixed(3)} |`,
  );
  return [
    '| class | GT boxes | AP@0.5 | threshold | precision | recall |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
