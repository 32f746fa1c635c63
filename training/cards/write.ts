/**
 * Writes models/<name>.card.md formatted as `npm run format` would (prettier: padded tables, one blank line
 * between blocks), so the committed card is byte for byte what the generator wrote and the card tests can
 * compare the two.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';

const cardPath = (name: string): string => join(PROJECT_ROOT, 'models', `${name}.card.md`);

export async function formatCard(name: string, text: string): Promise<string> {
  const path = cardPath(name);
  return format(text, { ...(await resolveConfig(path)), filepath: path });
}

export async function writeCard(name: string, text: string): Promise<void> {
  writeFileSync(cardPath(name), await formatCard(name, text));
}

/**
 * Replaces sections of a committed card (each `## ` heading up to the next) by freshly rendered ones with
 * the same heading, leaving every other section, the hand-written ones included, as it is. A heading the
 * card lacks is an error: the card predates that section and wants its trainer's full rewrite.
 */
export async function replaceSections(name: string, fresh: readonly string[]): Promise<void> {
  const parts = readFileSync(cardPath(name), 'utf8').split(/^(?=## )/m);
  const heading = (s: string): string => s.slice(0, s.indexOf('\n'));
  for (const section of fresh) {
    const i = parts.findIndex((p, k) => k > 0 && heading(p) === heading(section));
    if (i < 0) throw new Error(`models/${name}.card.md has no section "${heading(section)}"`);
    parts[i] = `${section.trimEnd()}\n\n`;
  }
  await writeCard(name, parts.join(''));
}
