import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Box, Detection } from '../../src/vision/detect/types.ts';
import { cosine } from '../../src/vision/track/geometry.ts';
import { ReidEmbedder } from '../../src/vision/reid/reid-embedder.ts';

/** The real re-id model on the factory clip: the same worker 0.2 s later looks more alike than another worker. */
const W = 640;
const H = 360;
const frameAt = (s: number): Buffer =>
  spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      String(s),
      '-i',
      '../shared/clips/press-shop-cctv.mp4',
      '-frames:v',
      '1',
      '-vf',
      `scale=${W}:${H}`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { maxBuffer: 1 << 24 },
  ).stdout;
const person = (box: Box): Detection => ({ label: 'person', score: 0.9, box });

describe('ReidEmbedder (person-reid-0248)', () => {
  it('same person across frames is closer than two different people; tiny boxes give null', async () => {
    const reid = await ReidEmbedder.create({ modelsDir: '../shared/models' });
    try {
      // boxes from YOLOX-Nano on these frames: a worker by the press (A) and one at the bottom (B)
      const a: Box = [187, 38, 253, 169];
      const b: Box = [180, 231, 233, 359];
      const [a1, b1] = await reid.embed({ width: W, height: H, data: frameAt(3) }, [person(a), person(b)]);
      const [a2] = await reid.embed({ width: W, height: H, data: frameAt(3.2) }, [person(a)]);
      expect(a1).toHaveLength(256);
      expect(cosine(a1!, a2!)).toBeGreaterThan(cosine(a1!, b1!));
      const [tiny] = await reid.embed({ width: W, height: H, data: frameAt(3) }, [person([10, 10, 20, 30])]);
      expect(tiny).toBeNull();
    } finally {
      await reid.close();
    }
  });
});
