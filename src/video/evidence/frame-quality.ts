import { frameStats } from '../ingest/frame-stats.ts';

/**
 * Is a decoded frame a picture of the scene at all? A lens cap, a dead sensor, a camera switched to
 * night mode without IR, or a decoder that lost the stream all give a frame that is dark AND flat:
 * low mean luma with little spread. Such a frame proves nothing about a hard hat or a phone, so it is
 * never evidence for a scene rule — only for the camera fault itself. Pure: pixels in, numbers out.
 */
export interface UnusableFrameThresholds {
  /** mean luma (0–255, BT.601) at or below which a frame is dark */
  maxMeanLuma: number;
  /** luma standard deviation at or below which a frame is flat (no edges, no texture) */
  maxLumaStdDev: number;
}

export interface LumaStats {
  meanLuma: number;
  lumaStdDev: number;
}

export type FrameVerdict = ({ usable: true } & LumaStats) | ({ usable: false; reason: 'black' } & LumaStats);

/**
 * Mean and standard deviation of BT.601 luma over packed RGB24 pixels: ingest's own frame statistics
 * (the camera-health `dark` state reads the same numbers), on a grid of about 10,000 samples.
 */
export function lumaStats(rgb: Buffer, width: number, height: number): LumaStats {
  const pixels = width * height;
  if (pixels <= 0 || rgb.length < pixels * 3) throw new Error('lumaStats: frame size does not match');
  const step = Math.max(1, Math.floor(Math.sqrt(pixels / 10_000)));
  const s = frameStats(rgb, width, height, null, step);
  return { meanLuma: s.meanLuma, lumaStdDev: s.stdLuma };
}

/** A frame is unusable as scene evidence when it is both dark and flat (see the file comment). */
export function judgeFrame(
  rgb: Buffer,
  width: number,
  height: number,
  t: UnusableFrameThresholds,
): FrameVerdict {
  const s = lumaStats(rgb, width, height);
  if (s.meanLuma <= t.maxMeanLuma && s.lumaStdDev <= t.maxLumaStdDev)
    return { usable: false, reason: 'black', ...s };
  return { usable: true, ...s };
}
