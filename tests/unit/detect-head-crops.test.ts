import { describe, expect, it } from 'vitest';
import { cropRgb, headRegion } from '../../src/vision/detect/plugins/ppe-head-crops.ts';
import { nms } from '../../src/vision/detect/yolox-decode.ts';
import type { RgbImage } from '../../src/vision/detect/types.ts';

describe('person-crop hard hat (pure parts)', () => {
  it('headRegion takes the upper part of a person box with margins, clamped to the image', () => {
    // person 100 px wide, 200 px tall at (50, 20): region [-0.15, -0.1, 1.15, 0.45]
    expect(headRegion([50, 20, 150, 220], [-0.15, -0.1, 1.15, 0.45], 640, 360)).toEqual([35, 0, 165, 110]);
    expect(headRegion([600, 100, 640, 200], [-0.15, -0.1, 1.15, 0.45], 640, 360)).toEqual([
      594, 90, 640, 145,
    ]);
  });

  it('cropRgb copies exactly the pixels of the region', () => {
    const image: RgbImage = { width: 4, height: 3, data: Uint8Array.from({ length: 36 }, (_, i) => i) };
    const c = cropRgb(image, [1, 1, 3, 3]);
    expect([c.width, c.height]).toEqual([2, 2]);
    // pixel (1,1) starts at (1*4+1)*3 = 15; (1,2) at (2*4+1)*3 = 27
    expect(Array.from(c.data)).toEqual([15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]);
  });

  it('the fusion of crops (label-blind nms) keeps one box per head across helmet and head', () => {
    const out = nms(
      [
        { label: 'helmet', score: 0.6, box: [0, 0, 10, 10] },
        { label: 'head', score: 0.7, box: [1, 0, 11, 10] },
        { label: 'helmet', score: 0.5, box: [30, 0, 40, 10] },
      ],
      0.45,
    );
    expect(out.map((d) => [d.label, d.score])).toEqual([
      ['head', 0.7],
      ['helmet', 0.5],
    ]);
  });
});
