import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYolo } from '../../src/cli/commands/eval-data.ts';
import {
  bareHeadOutcomes,
  headStateAgreement,
  labelFigures,
  type ImageResult,
} from '../../src/cli/commands/eval-figures.ts';
import { PPE_MODELS, roboflowPhoto, SOURCES } from '../../src/cli/commands/eval-sources.ts';
import { parseSummaryArgs } from '../../src/cli/commands/eval.ts';
import type { Box, Detection } from '../../src/vision/detect/types.ts';

const ROOT = join(import.meta.dirname, '../..');
const det = (label: Detection['label'], score: number, box: Box): Detection => ({ label, score, box });

describe('the sources npm run eval reads', () => {
  it('construction-site-safety: classes map onto our labels, masks, cones and vehicles are dropped', () => {
    const names = [
      'Hardhat',
      'Mask',
      'NO-Hardhat',
      'NO-Mask',
      'NO-Safety Vest',
      'Person',
      'Safety Cone',
      'Safety Vest',
      'machinery',
      'vehicle',
    ];
    const txt = names.map((_, c) => `${c} 0.5 0.5 0.2 0.2`).join('\n');
    expect(parseYolo(txt, names, 100, 100).map((g) => g.label)).toEqual([
      'helmet',
      'head',
      'no_vest',
      'person',
      'vest',
    ]);
  });

  it('a Roboflow file belongs to the photo named before .rf. (the unit of every split)', () => {
    expect(roboflowPhoto('/x/-1670-_png_jpg.rf.0463edb4.jpg')).toBe('-1670-_png_jpg');
    expect(roboflowPhoto('youtube-51_jpg.rf.abc.jpg')).toBe('youtube-51_jpg');
  });

  // the card's "Data" section lists what the shipped model was trained on: a figure on any other source
  // is printed as held-out-source, so the two must agree
  const credit: Record<string, string> = {
    'hard-hat-workers': 'Hard Hat Workers',
    'safety-vest-v4': 'Safety vest - v4',
    'construction-site-safety': 'Construction Site Safety',
  };
  it.each(PPE_MODELS.map((m) => [m.name, m] as const))(
    '%s: trainedOn is what its card says it was trained on',
    (name, m) => {
      const card = readFileSync(join(ROOT, 'models', `${name}.card.md`), 'utf8');
      const data = /\n## Data[^\n]*\n([\s\S]*?)\n## /.exec(card)?.[1] ?? '';
      expect(data).not.toBe('');
      for (const s of SOURCES)
        expect([s.name, data.includes(credit[s.name]!)]).toEqual([s.name, m.trainedOn.includes(s.name)]);
    },
  );
});

describe('eval figures', () => {
  const gtHead = { label: 'head' as const, box: [0, 0, 10, 10] as Box };
  const gtHelmet = { label: 'helmet' as const, box: [20, 0, 30, 6] as Box }; // helmet alone
  const thr = { helmet: 0.5, head: 0.5 };

  it('bare heads: found as head, called helmet (the highest-scoring box decides), or missed', () => {
    const results: ImageResult[] = [
      { gts: [gtHead], dets: [det('head', 0.9, [0, 0, 10, 10])] },
      { gts: [gtHead], dets: [det('head', 0.6, [0, 0, 10, 10]), det('helmet', 0.7, [0, 0, 10, 11])] },
      { gts: [gtHead], dets: [det('head', 0.4, [0, 0, 10, 10])] }, // under the operating threshold
      { gts: [gtHead], dets: [det('head', 0.9, [8, 8, 18, 18])] }, // IoU < 0.3
    ];
    expect(bareHeadOutcomes(results, thr)).toEqual({ heads: 4, asHead: 1, asHelmet: 1, missed: 2, iou: 0.3 });
  });

  it('AP and precision/recall per IoU: a helmet+face box on a helmet-alone label counts at 0.3, not at 0.5', () => {
    // helmet-alone label [20,0,30,6]; our box covers helmet and face [20,0,30,14]: IoU 6/14 ≈ 0.43
    const results: ImageResult[] = [
      { gts: [gtHelmet], dets: [det('helmet', 0.8, [20, 0, 30, 14]), det('helmet', 0.1, [50, 50, 60, 60])] },
    ];
    const [h] = labelFigures(results, ['helmet'], thr, [0.3, 0.5]);
    expect(h!.gts).toBe(1);
    expect(h!.at.map((a) => [a.iou, a.ap, a.precision, a.recall])).toEqual([
      [0.3, 1, 1, 1],
      [0.5, 0, 0, 0],
    ]);
  });

  it('head state per labelled person: labelled state → the pipeline state of the matching detected person', () => {
    const P: Box = [100, 100, 200, 400];
    const Q: Box = [300, 100, 400, 400];
    const gts = [
      { label: 'person' as const, box: P },
      { label: 'head' as const, box: [125, 100, 175, 125] as Box }, // top of a bare head (its convention)
      { label: 'person' as const, box: Q },
      { label: 'helmet' as const, box: [325, 95, 375, 120] as Box }, // helmet alone
      { label: 'person' as const, box: [500, 100, 600, 400] as Box }, // no head labelled: not counted
    ];
    const dets = [
      det('person', 0.9, P),
      det('helmet', 0.8, [125, 98, 175, 160]), // the bare head called helmet
      det('head', 0.9, [325, 98, 375, 160]), // under its threshold below: this person's state is unknown
    ];
    const c = headStateAgreement([{ gts, dets }], { person: 0.3, helmet: 0.5, head: 0.95 });
    expect(c.bare).toEqual({ hard_hat: 1, bare: 0, unknown: 0, no_person: 0 });
    expect(c.hard_hat).toEqual({ hard_hat: 0, bare: 0, unknown: 0, no_person: 1 });
  });

  it('summary flags: defaults, and coded refusals', () => {
    expect(parseSummaryArgs([])).toEqual({ minScore: 0.05, ious: [0.3, 0.5], json: false });
    expect(parseSummaryArgs(['--limit', '3', '--json', '--min-score', '0.1'])).toMatchObject({
      limit: 3,
      json: true,
      minScore: 0.1,
    });
    expect(parseSummaryArgs(['--limit', '0'])).toMatch(/--limit/);
    expect(parseSummaryArgs(['--min-score', '2'])).toMatch(/JH_ERR_MIN_SCORE/);
    expect(parseSummaryArgs(['--format', 'voc'])).toMatch(/unknown option --format/);
    expect(parseSummaryArgs(['--model', 'ppe-vest,ppe-vest-head'])).toMatchObject({
      models: ['ppe-vest', 'ppe-vest-head'],
    });
    expect(parseSummaryArgs(['--model', 'yolox-nano-coco'])).toMatch(
      /--model: unknown PPE model yolox-nano-coco/,
    );
  });
});
