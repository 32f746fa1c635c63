/**
 * The model-card generators write what the committed cards say: each card leads with its held-out-source
 * section (the figures of models/<model>.loso.json for the PPE models; for fire-smoke and arc, that no such
 * figure exists and why), so a retrain cannot silently drop that headline.
 *
 * No card can be compared whole, byte for byte: part of every card comes from its training run (the PyTorch
 * run's record, validation F1, split counts, timings), which no file keeps, and every card carries sections
 * added by hand after training. So the whole card is rendered with the run's inputs typed in
 * (models-cards-fixtures.ts) for its structure, and the sections rendered wholly from committed files
 * (loso.json, eval.json, manifest.json) or constant text are compared byte for byte.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest, type ModelEntry } from '../../src/vision/detect/manifest.ts';
import { arcCard } from '../../training/arc/arc-card.ts';
import type { ArcTest } from '../../training/arc/finish-arc.ts';
import { fireCard } from '../../training/cards/fire.ts';
import { hardhatCard, type HardhatTests } from '../../training/cards/hardhat.ts';
import type { LosoFile } from '../../training/cards/held-out.ts';
import { vestCard, type VestTests } from '../../training/cards/vest.ts';
import { formatCard } from '../../training/cards/write.ts';
import { finetunedCard } from '../../training/gpu/card.ts';
import { finetunedFireCard } from '../../training/gpu/fire-card.ts';
import type { FireFinish } from '../../training/head/finish-fire.ts';
import { arcRun, FIRE_RUN, FIRE_SPLIT, FROZEN_HEAD, HARDHAT_RUN, VEST_RUN } from './models-cards-fixtures.ts';

const MODELS = join(import.meta.dirname, '../../models');
const read = (f: string): string => readFileSync(join(MODELS, f), 'utf8');
const json = <T>(f: string): T => JSON.parse(read(f)) as T;
const manifest = loadManifest();
const entry = (name: string): ModelEntry => manifest.models.find((m) => m.name === name)!;
const perClass = (name: string): Record<string, number> =>
  (entry(name).thresholds as { perClass: Record<string, number> }).perClass;

interface PackageJson {
  scripts: Record<string, string>;
}

const HEADLINE = '## Headline: held-out source first (leave-one-source-out)';
const IN_FULL = '## Held-out source / leave-one-source-out, in full (`npm run eval:loso`)';
const NO_FIGURE = '## Held-out source: no figure exists';

/**
 * A card's `## ` sections in order: the heading line and the text from it to the next heading (its trailing
 * blank lines dropped: the generator's last section is followed by the hand-written ones in the card).
 */
function sections(card: string): { heading: string; text: string }[] {
  return card
    .split(/^(?=## )/m)
    .slice(1)
    .map((text) => ({ heading: text.slice(0, text.indexOf('\n')), text: `${text.trimEnd()}\n` }));
}

const hardhatLoso = json<LosoFile>('ppe-hardhat.loso.json');
const vestLoso = json<LosoFile>('ppe-vest.loso.json');
const hardhatTests = json<HardhatTests>('ppe-hardhat.eval.json');
const vestTests = json<VestTests>('ppe-vest.eval.json');
const fireTest = json<{ test: FireFinish['test'] }>('fire-smoke.eval.json').test;

/** The held-out figures as the headline must print them: AP at each IoU, bold. */
const heldOutFigures = (l: LosoFile): string[] =>
  l.rows
    .filter((r) => r.kind === 'held-out-source')
    .flatMap((r) => [
      ...r.classes.map((c) => `**${c.at.map((a) => a.ap.toFixed(3)).join(' / ')}**`),
      ...(r.crops ? [`**${r.crops.acc.toFixed(3)}** (${r.crops.crops} crops)`] : []),
    ]);

interface CardCase {
  name: string;
  render: () => string;
  lead: string;
  /** sections rendered wholly from committed files and constant text */
  golden: string[];
  /** what the lead section must hold */
  figures: string[];
}

const file = (name: string) => ({ sha256: entry(name).sha256, bytes: entry(name).bytes! });

const CARDS: CardCase[] = [
  {
    name: 'ppe-hardhat',
    render: () =>
      finetunedCard({
        ...HARDHAT_RUN,
        ...file('ppe-hardhat'),
        thresholds: perClass('ppe-hardhat'),
        test: hardhatTests,
        loso: hardhatLoso,
      }),
    lead: HEADLINE,
    golden: [
      HEADLINE,
      IN_FULL,
      '## In-source test results (flattering: held-back test splits of the sources it trained on; same code as `npm run eval`)',
      '## Cost',
      '## Known weaknesses',
    ],
    figures: heldOutFigures(hardhatLoso),
  },
  {
    name: 'ppe-vest',
    render: () =>
      vestCard({
        ...VEST_RUN,
        ...file('ppe-vest'),
        thr: perClass('ppe-vest').vest!,
        torso: entry('ppe-vest').options?.torso as number[],
        test: vestTests,
        loso: vestLoso,
      }),
    lead: HEADLINE,
    golden: [
      HEADLINE,
      IN_FULL,
      '## In-source test results (flattering: the held-back test split of the one source it trained on)',
    ],
    figures: heldOutFigures(vestLoso),
  },
  {
    name: 'fire-smoke',
    render: () =>
      finetunedFireCard({
        ...FIRE_RUN,
        ...file('fire-smoke'),
        T: entry('fire-smoke').options?.frameThreshold as number,
        test: fireTest,
      }),
    lead: NO_FIGURE,
    golden: [
      NO_FIGURE,
      '## Test results (in-source, flattering: held-back clips of the one source it trained on; same code as `npm run eval`)',
      '## Cost',
    ],
    figures: ['**no held-out-source (leave-one-source-out) figure exists for this model.**'],
  },
  {
    name: 'arc',
    render: () => arcCard(arcRun(file('arc')), json<ArcTest>('arc.eval.json')),
    lead: NO_FIGURE,
    golden: [
      NO_FIGURE,
      '## Test (in-source, flattering: held-back photos and clip time of the training sources, synthetic arcs; read once for this recipe; same code as `npm run eval`)',
    ],
    figures: ['**no held-out-source (leave-one-source-out) figure exists for this model.**'],
  },
];

describe.each(CARDS)('the $name card and its generator', (c) => {
  const committed = read(`${c.name}.card.md`);
  const mine = sections(committed);
  const rendered = async () => sections(await formatCard(c.name, c.render()));

  it('both lead with the held-out-source section, which holds its figures', async () => {
    const theirs = await rendered();
    expect(theirs[0]?.heading).toBe(c.lead);
    expect(mine[0]?.heading).toBe(c.lead);
    for (const f of c.figures) expect(theirs[0]?.text).toContain(f);
  });

  // what the card has beyond the generator is written and kept by hand: status after training, history
  it('the generated sections come in the card’s order; the card adds only sections kept by hand', async () => {
    const generated = (await rendered()).map((s) => s.heading);
    const inCard = mine.map((s) => s.heading);
    expect(inCard.filter((h) => generated.includes(h))).toEqual(generated);
    for (const h of inCard.filter((x) => !generated.includes(x)))
      expect(h).toMatch(/\(added by hand|^## History: /);
  });

  it('sections rendered from committed files alone equal the card byte for byte', async () => {
    const theirs = await rendered();
    for (const heading of c.golden) {
      const text = (list: typeof mine) => list.find((s) => s.heading === heading)?.text;
      expect(text(theirs), heading).toBeDefined();
      expect(text(theirs), heading).toBe(text(mine));
    }
  });
});

describe('models/<model>.loso.json, the held-out-source figures the PPE cards lead with', () => {
  it.each([hardhatLoso, vestLoso])('$model: measured on the shipped files, with a held-out source', (l) => {
    for (const [name, sha] of Object.entries(l.files)) expect(sha, name).toBe(entry(name).sha256);
    expect(l.files[l.model]).toBeDefined();
    expect(l.rows.every((r) => r.model === l.model)).toBe(true);
    expect(l.rows.filter((r) => r.kind === 'held-out-source').length).toBeGreaterThan(0);
    // written by `npm run eval:loso` or by the model's trainer, both npm scripts the card can cite
    const scripts = (JSON.parse(readFileSync(join(MODELS, '../package.json'), 'utf8')) as PackageJson)
      .scripts;
    expect(Object.keys(scripts).map((k) => `npm run ${k}`)).toContain(l.command);
  });

  // the frozen-backbone trainers write the same card files: a retrain on them keeps the headline too
  it('the frozen-backbone hard-hat and fire cards lead the same way', async () => {
    const frozen = await formatCard(
      'ppe-hardhat',
      hardhatCard({
        ...HARDHAT_RUN,
        res: FROZEN_HEAD,
        thresholds: perClass('ppe-hardhat'),
        test: hardhatTests,
        loso: hardhatLoso,
        minutes: 8.5,
      }),
    );
    const shipped = sections(read('ppe-hardhat.card.md'));
    expect(sections(frozen)[0]).toEqual(shipped[0]);
    expect(sections(frozen).find((s) => s.heading === IN_FULL)).toEqual(
      shipped.find((s) => s.heading === IN_FULL),
    );
    const fire = await formatCard(
      'fire-smoke',
      fireCard({ ...FIRE_RUN, res: FROZEN_HEAD, T: 0.74, split: FIRE_SPLIT, test: fireTest, minutes: 1 }),
    );
    expect(sections(fire)[0]).toEqual(sections(read('fire-smoke.card.md'))[0]);
  });
});
