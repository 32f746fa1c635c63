import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/vision/detect/manifest.ts';
import { withInputSize } from '../../src/vision/detect/pipeline.ts';
import { parseInputSize } from '../../src/vision/detect/settings.ts';

describe('detect.inputSize (pure parts)', () => {
  it('resizes YOLOX-Nano and the heads on its backbone, nothing else', () => {
    const m = loadManifest();
    const sized = withInputSize(m, 512);
    const side = (name: string) => sized.models.find((e) => e.name === name)!.input;
    for (const name of ['yolox-nano-coco', 'ppe-hardhat', 'fire-smoke'])
      expect([side(name).width, side(name).height]).toEqual([512, 512]);
    // other inputs keep their own size: the light person detector, the person-crop and vest stages
    for (const name of ['light-person-detector', 'ppe-hardhat-crops', 'ppe-vest'])
      expect(side(name)).toEqual(m.models.find((e) => e.name === name)!.input);
    // the manifest it was given is not changed
    expect(m.models.find((e) => e.name === 'yolox-nano-coco')!.input.width).toBe(416);
    expect(withInputSize(m, undefined)).toBe(m);
  });

  it('--input-size takes multiples of 32 from 160 to 1280 and explains anything else', () => {
    expect(parseInputSize('576')).toBe(576);
    for (const bad of ['500', '128', '1312', 'big', undefined])
      expect(parseInputSize(bad)).toMatch(/multiple of 32 from 160 to 1280/);
  });
});
