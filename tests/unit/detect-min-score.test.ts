import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/vision/detect/manifest.ts';
import { operatingThresholds, parseMinScore, reportDownTo } from '../../src/vision/detect/settings.ts';

describe('--min-score', () => {
  it('takes a score from 0.01 to 1 and refuses anything else with a coded message', () => {
    expect(parseMinScore('0.05')).toBe(0.05);
    expect(parseMinScore('1')).toBe(1);
    for (const bad of ['0', '-0.1', '1.01', 'abc', '', undefined])
      expect(parseMinScore(bad)).toMatch(/^JH_ERR_MIN_SCORE: /);
  });

  it('sets every model to report down to S, over the configured overrides', () => {
    const o = reportDownTo(['yolox-nano-coco', 'ppe-vest'], 0.05, { 'yolox-nano-coco': { nms: 0.5 } });
    expect(o).toEqual({
      'yolox-nano-coco': { nms: 0.5, score: 0.05, minScore: 0.05 },
      'ppe-vest': { score: 0.05, minScore: 0.05 },
    });
  });

  it('the operating thresholds are the manifest per-class ones, overridden by config', () => {
    const m = loadManifest().models.filter((e) =>
      ['yolox-nano-coco', 'ppe-hardhat', 'ppe-vest'].includes(e.name),
    );
    expect(operatingThresholds(m)).toMatchObject({ person: 0.3, helmet: 0.56, head: 0.58, vest: 0.42 });
    expect(operatingThresholds(m, { 'ppe-hardhat': { score: 0.4 } })).toMatchObject({
      helmet: 0.4,
      head: 0.4,
    });
  });
});
