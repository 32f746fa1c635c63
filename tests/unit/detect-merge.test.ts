import { describe, expect, it } from 'vitest';
import { defaultModelNames, mergeShared } from '../../src/vision/detect/pipeline.ts';
import { parseManifest } from '../../src/vision/detect/manifest.ts';
import type { Box, Detection, Label } from '../../src/vision/detect/types.ts';

const det = (label: Label, score: number, box: Box): Detection => ({ label, score, box });

describe('mergeShared (several detectors in one pipeline)', () => {
  it('merges duplicates of a label two detectors produce, keeping the best box', () => {
    const yolox = [det('person', 0.8, [0, 0, 10, 20]), det('phone', 0.5, [2, 2, 4, 4])];
    const light = [det('person', 0.6, [1, 0, 11, 20]), det('person', 0.7, [50, 0, 60, 20])];
    const merged = mergeShared([yolox, light]);
    expect(merged.filter((d) => d.label === 'person').map((d) => d.score)).toEqual([0.8, 0.7]);
    expect(merged.filter((d) => d.label === 'phone')).toHaveLength(1);
  });

  it('passes labels from a single detector through untouched, overlaps included', () => {
    const ppe = [det('helmet', 0.9, [0, 0, 10, 10]), det('helmet', 0.4, [1, 1, 10, 10])];
    const people = [det('person', 0.9, [0, 0, 10, 30])];
    expect(mergeShared([people, ppe])).toEqual([...people, ...ppe]);
  });

  it('merges a family of exclusive labels as one: a head is helmet or head, whichever scored best', () => {
    const whole = [det('helmet', 0.6, [0, 0, 10, 10]), det('head', 0.5, [40, 0, 50, 10])];
    const crops = [det('head', 0.8, [1, 0, 11, 10]), det('helmet', 0.7, [80, 0, 90, 10])];
    const merged = mergeShared([whole, crops]);
    expect(merged.map((d) => [d.label, d.score])).toEqual([
      ['head', 0.8],
      ['helmet', 0.7],
      ['head', 0.5],
    ]);
  });
});

describe('manifest', () => {
  const entry = (over: Record<string, unknown>) => ({
    name: 'm',
    plugin: 'yolox',
    stage: 1,
    defaultPipeline: false,
    location: 'external',
    file: 'm.onnx',
    sha256: 'a'.repeat(64),
    licence: 'Apache-2.0',
    source: 'x',
    input: {
      name: 'images',
      layout: 'NCHW',
      width: 416,
      height: 416,
      channels: 'BGR',
      scale: 1,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      resize: 'letterbox-top-left',
      pad: 114,
    },
    output: { name: 'output', decoder: 'yolox', shape: [1, 3549, 85] },
    classes: { '0': 'person' },
    thresholds: { score: 0.3 },
    ...over,
  });

  it('takes the detectors flagged defaultPipeline, ours included, never a stage-0 model or an opt-in one', () => {
    const m = parseManifest({
      version: 1,
      models: [
        entry({ name: 'main', defaultPipeline: true }),
        entry({ name: 'light' }),
        entry({ name: 'reid', stage: 0, location: 'project', defaultPipeline: true }),
        entry({ name: 'hardhat', location: 'project', stage: 2, defaultPipeline: true }),
        entry({ name: 'crops', location: 'project', stage: 2 }),
      ],
    });
    expect(defaultModelNames(m)).toEqual(['main', 'hardhat']);
  });

  it('refuses labels outside the vocabulary, bad checksums and duplicate names with a coded error', () => {
    const bad = [
      { version: 1, models: [entry({ classes: { '0': 'dog' } })] },
      { version: 1, models: [entry({ sha256: 'xyz' })] },
      { version: 1, models: [entry({}), entry({})] },
      { version: 1, models: [entry({ extra: true })] },
    ];
    for (const raw of bad)
      expect(() => parseManifest(raw, 'test')).toThrow(
        expect.objectContaining({ code: 'JH_ERR_DETECT_MANIFEST_INVALID' }),
      );
  });
});
