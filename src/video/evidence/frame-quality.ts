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

/** About this many pixels are sampled, evenly, whatever the frame size (a 640×360 frame: every 11th). */
const SAMPLES = 20_000;

/** Mean and standard deviation of BT.601 luma over packed RGB24 pixels. */
export function lumaStats(rgb: Buffer, width: number, height: number): LumaStats {
  const pixels = width * height;
  if (pixels <= 0 || rgb.length < pixels * 3) throw new Error('lumaStats: frame size does not match');
  const step = Math.max(1, Math.floor(pixels / SAMPLES));
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let p = 0; p < pixels; p += step) {
    const i = p * 3;
    const y = 0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!;
    sum += y;
    sq += y * y;
    n++;
  }
  const meanLuma = sum / n;
  return { meanLuma, lumaStdDev: Math.sqrt(Math.max(0, sq / n - meanLuma * meanLuma)) };
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
