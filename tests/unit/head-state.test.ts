import { describe, expect, it } from 'vitest';
import type { Box, Detection } from '../../src/vision/detect/types.ts';
import { headState, headStateAt, sameHead } from '../../src/vision/track/head-state.ts';
import { attachPpe } from '../../src/vision/track/ppe.ts';
import { Tracker } from '../../src/vision/track/tracker.ts';

// a standing person 100 px wide, 300 px tall; the head spans about x 125–175, y 100–160
const PERSON: Box = [100, 100, 200, 400];
const det = (label: Detection['label'], score: number, box: Box): Detection => ({ label, score, box });
// helmet + face (hard-hat-workers, safety-vest-v4) and helmet alone (construction-site-safety)
const HAT_AND_FACE: Box = [125, 98, 175, 158];
const HAT_ALONE: Box = [122, 95, 178, 122];
const BARE: Box = [127, 102, 173, 158];

describe('headState', () => {
  it('reads a hard hat whichever way the source draws its box', () => {
    for (const box of [HAT_AND_FACE, HAT_ALONE]) {
      const s = headState(PERSON, [det('helmet', 0.7, box)]);
      expect(s).toEqual({ state: 'hard_hat', score: 0.7, headBox: box });
    }
  });

  it('reads a bare head, and unknown when no head box is near the head', () => {
    expect(headState(PERSON, [det('head', 0.66, BARE)])).toMatchObject({ state: 'bare', score: 0.66 });
    expect(headState(PERSON, [])).toEqual({ state: 'unknown', score: 0 });
    // at waist height, or wider than the person (another, nearer person's head): not this head
    expect(headState(PERSON, [det('head', 0.9, [125, 250, 175, 300])]).state).toBe('unknown');
    expect(headState(PERSON, [det('helmet', 0.9, [60, 90, 240, 200])]).state).toBe('unknown');
  });

  it('decides a hedged head (helmet and head boxes on it) by the higher score, in either convention', () => {
    for (const hat of [HAT_AND_FACE, HAT_ALONE]) {
      expect(headState(PERSON, [det('helmet', 0.6, hat), det('head', 0.75, BARE)])).toMatchObject({
        state: 'bare',
        score: 0.75,
        headBox: BARE,
      });
      expect(headState(PERSON, [det('helmet', 0.8, hat), det('head', 0.75, BARE)]).state).toBe('hard_hat');
    }
  });

  it('ignores boxes under the given per-label minimum (so --min-score does not change the state)', () => {
    const dets = [det('helmet', 0.3, HAT_AND_FACE), det('head', 0.62, BARE)];
    expect(headState(PERSON, dets, { helmet: 0.56, head: 0.58 }).state).toBe('bare');
    expect(headState(PERSON, dets, { helmet: 0.56, head: 0.7 }).state).toBe('unknown');
  });

  it('sameHead: overlapping or nested boxes are one head, side-by-side heads are not', () => {
    expect(sameHead(HAT_ALONE, BARE)).toBe(true);
    expect(sameHead(HAT_AND_FACE, BARE)).toBe(true);
    expect(sameHead(BARE, [180, 102, 226, 158])).toBe(false);
    expect(headStateAt(null, [det('helmet', 0.9, HAT_AND_FACE)]).state).toBe('unknown');
  });
});

describe('attachPpe reads the head state', () => {
  it('exposes it per person and takes the higher-scoring box of a hedged head', () => {
    const t = new Tracker({ minHits: 1 });
    const { visible } = t.update(0, [det('person', 0.9, PERSON)]);
    // the helmet box sits nearer the expected head spot (x 150, y 130), the bare-head box scores higher
    const low: Box = [127, 110, 173, 166];
    const [p] = attachPpe(visible, [det('helmet', 0.6, HAT_AND_FACE), det('head', 0.7, low)]);
    expect(p!.head).toEqual({ state: 'bare', score: 0.7, headBox: low });
    expect(p!.helmet).toBe('no');
    expect(p!.helmetScore).toBe(0.7);
    expect(p!.parts.map((d) => d.label)).toEqual(['head']);
  });
});
