/**
 * Cheap image statistics for camera health, computed on the sampled frames only: luma on a sparse grid
 * (every 8th pixel of every 8th row: 3,600 samples for 640x360, a few microseconds per frame).
 */
export interface FrameStats {
  meanLuma: number;
  stdLuma: number;
  /** fraction of grid samples whose luma moved more than CHANGE_DELTA since the previous frame; null for the first */
  changed: number | null;
  grid: Uint8Array;
}

/**
 * A sample "changed" when its luma moved more than this. A truly frozen stream repeats the decoded
 * picture exactly (0 samples change at any delta); a live one changes 8-50% of samples between sampled
 * frames (measured on the factory clip and test patterns). A small delta keeps a quiet but live scene
 * (sensor noise) from ever reading as frozen.
 */
export const CHANGE_DELTA = 2;

export function frameStats(
  rgb: Uint8Array,
  width: number,
  height: number,
  prev: Uint8Array | null,
  step = 8,
): FrameStats {
  const cols = Math.ceil(width / step);
  const rows = Math.ceil(height / step);
  const grid = new Uint8Array(cols * rows);
  let sum = 0;
  let sumSq = 0;
  let k = 0;
  for (let y = 0; y < height; y += step) {
    const row = y * width * 3;
    for (let x = 0; x < width; x += step) {
      const o = row + x * 3;
      // BT.601 luma in integer arithmetic
      const l = (77 * rgb[o]! + 150 * rgb[o + 1]! + 29 * rgb[o + 2]!) >> 8;
      grid[k++] = l;
      sum += l;
      sumSq += l * l;
    }
  }
  const n = grid.length;
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  let changed: number | null = null;
  if (prev && prev.length === n) {
    let c = 0;
    for (let i = 0; i < n; i++) if (Math.abs(grid[i]! - prev[i]!) > CHANGE_DELTA) c++;
    changed = c / n;
  }
  return { meanLuma: mean, stdLuma: std, changed, grid };
}
