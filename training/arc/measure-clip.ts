/**
 * `tsx training/arc/measure-clip.ts`: the shipped `arc` model on the whole local factory clip (no welding
 * in it: every flagged frame is a false one) at 4 frames/s, as false frames per 15, split into the 0–20 s
 * the training composites drew backgrounds from and the rest. Local only (the clip is never committed);
 * the figures go into models/arc.card.md by hand.
 */
import { existsSync } from 'node:fs';
import { findModel, loadManifest } from '../../src/vision/detect/manifest.ts';
import { OwnYoloxHeadDetector } from '../../src/vision/detect/plugins/ppe-yolox-head.ts';
import { clipFramesRgb } from '../../tests/helpers/clip-frame.ts';
import { CLIP } from './arc-data.ts';

const entry = findModel(loadManifest(), 'arc');
const T = entry.options?.frameThreshold as number;
const d = new OwnYoloxHeadDetector(entry, {
  modelsDir: '../shared/models',
  threads: 1,
  settings: { score: 0.05 },
});
await d.init();
const top = async (img: Parameters<typeof d.detect>[0]) =>
  Math.max(0, ...(await d.detect(img)).map((x) => x.score));

if (existsSync(CLIP)) {
  const FPS = 4;
  const frames = clipFramesRgb(CLIP, 0, 147, FPS);
  const scores: number[] = [];
  for (const f of frames) scores.push(await top(f));
  const part = (from: number, to: number) => {
    const s = scores.filter((_, i) => i / FPS >= from && i / FPS < to);
    const flagged = s.filter((x) => x >= T).length;
    return {
      frames: s.length,
      flagged,
      per15: +((flagged / s.length) * 15).toFixed(2),
      max: +Math.max(...s).toFixed(3),
    };
  };
  console.log(
    JSON.stringify({
      threshold: T,
      clip: { all: part(0, 1e9), trainSpan: part(0, 20), outsideTrainSpan: part(20, 1e9) },
    }),
  );
}
await d.close();
