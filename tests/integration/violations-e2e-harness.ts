import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import type { SlideshowClip } from '../../streams-sim/index.ts';
import type { Box, Detection } from '../../src/vision/detect/types.ts';

/**
 * The camera picture of violations-e2e: a slideshow of labelled hard-hat-workers photos, and the
 * labelled stand-in for the detector (used where the real models are absent) that recognises the photo
 * on screen from its pixels and answers its VOC head boxes, mapped into the frame.
 */
export const DS = '../shared/datasets/hard-hat-workers';
export const W = 640;
export const H = 360;

/** The photo's labelled heads (`head` bare, `helmet` hard hat), in the photo's pixels. */
function vocHeads(image: string): Detection[] {
  const xml = readFileSync(join(DS, 'annotations', image.replace('.jpg', '.xml')), 'utf8');
  const re =
    /<name>(\w+)<\/name>[\s\S]*?<xmin>(\d+)<\/xmin>\s*<ymin>(\d+)<\/ymin>\s*<xmax>(\d+)<\/xmax>\s*<ymax>(\d+)<\/ymax>/g;
  return [...xml.matchAll(re)]
    .filter((m) => m[1] === 'head' || m[1] === 'helmet')
    .map((m) => ({
      label: m[1] as 'head' | 'helmet',
      score: 0.9,
      box: [1, 2, 3, 4].map((i) => Number(m[i + 1])) as Box,
    }));
}

/** The photo's expected look in the frame, to tell which one is on screen (noise is small next to content). */
async function rendered(t: SlideshowClip['timeline'][number]): Promise<Buffer> {
  const img = sharp(t.image);
  const { width = 0, height = 0 } = await img.metadata();
  const w = Math.round(width * t.scale);
  const h = Math.round(height * t.scale);
  return img
    .resize(w, h)
    .extend({ left: t.padX, top: t.padY, right: W - w - t.padX, bottom: H - h - t.padY, background: '#000' })
    .removeAlpha()
    .raw()
    .toBuffer();
}

const diff = (a: Buffer, b: Buffer) => {
  let s = 0;
  for (let i = 0; i < a.length; i += 97) s += Math.abs(a[i]! - b[i]!);
  return s;
};

/**
 * The stand-in detector: the slideshow photo closest to the frame, its labelled heads mapped through the
 * slideshow's scale and padding, with a person box around each head.
 */
export async function labelledStandIn(show: SlideshowClip): Promise<(rgb: Buffer) => Detection[]> {
  const refs = await Promise.all(show.timeline.map(rendered));
  const gt = show.timeline.map((t) =>
    vocHeads(basename(t.image)).map((d) => ({
      ...d,
      box: [
        t.padX + d.box[0] * t.scale,
        t.padY + d.box[1] * t.scale,
        t.padX + d.box[2] * t.scale,
        t.padY + d.box[3] * t.scale,
      ] as Box,
    })),
  );
  return (rgb) => {
    const far = refs.map((r) => diff(rgb, r));
    const which = far.indexOf(Math.min(...far));
    return gt[which]!.flatMap((h) => {
      const hw = h.box[2] - h.box[0];
      const person: Box = [
        h.box[0] - 0.6 * hw,
        h.box[1] - 4,
        h.box[2] + 0.6 * hw,
        Math.min(H, h.box[1] + 5 * hw),
      ];
      return [{ label: 'person', score: 0.9, box: person }, h];
    });
  };
}

/**
 * The slideshow: each photo letterboxed into 640x360 for 8 s, with light temporal noise so the camera
 * never looks frozen. (Built here: streams-sim's buildSlideshowClip currently drops the first image.)
 */
export async function buildShow(images: string[], out: string): Promise<SlideshowClip> {
  const per = 8;
  const inputs = images.flatMap((p) => ['-loop', '1', '-t', String(per), '-i', p]);
  const fit = `scale=${W}:${H}:force_original_aspect_ratio=decrease,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2,setsar=1`;
  const chains = images.map((_, i) => `[${i}:v]${fit},fps=25[v${i}]`).join(';');
  const cat = `${images.map((_, i) => `[v${i}]`).join('')}concat=n=${images.length}:v=1,noise=alls=6:allf=t,format=yuv420p[out]`;
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    ...inputs,
    '-filter_complex',
    `${chains};${cat}`,
    '-map',
    '[out]',
    // the sim publishes clips as they are (RTP, no re-encode): in-band SPS/PPS, no B-frames
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-bf', '0', '-g', '25'],
    ...['-sc_threshold', '0', '-x264-params', 'repeat-headers=1', '-r', '25', '-an', out],
  ]);
  const timeline = await Promise.all(
    images.map(async (image, i) => {
      const { width = 1, height = 1 } = await sharp(image).metadata();
      const scale = Math.min(W / width, H / height);
      return {
        image,
        fromS: i * per,
        toS: (i + 1) * per,
        scale,
        padX: Math.floor((W - Math.round(width * scale)) / 2),
        padY: Math.floor((H - Math.round(height * scale)) / 2),
      };
    }),
  );
  return { path: out, width: W, height: H, fps: 25, timeline, durationS: images.length * per };
}
