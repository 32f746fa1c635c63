/**
 * Motion on one camera, from the frames it already sends (pure: no I/O, no timers). Frigate runs its
 * detector only where something moves; here motion only raises a camera's rate: an idle camera (no
 * permit, nobody seen) is inferred at `idleFps` (0.5/s), so a person walking into a danger zone in its
 * view was found up to 2 s late. A camera whose picture moves is inferred at the active rate at once.
 *
 * The picture is reduced to a grid of cells (20×20 px for 640×360), each the mean luma of a sparse
 * sample of its pixels; a slowly updated background grid absorbs lighting drift and anything that
 * stopped moving. A cell "moved" when it differs from the background by more than `delta` luma levels;
 * block means are far steadier than single pixels, so compression and sensor noise stay under it.
 */
export interface MotionOptions {
  /** grid size (cells across and down) */
  cols: number;
  rows: number;
  /** luma levels (0–255) a cell must differ from the background by to count as moved */
  delta: number;
  /** background update per frame: background += alpha × (cell − background) */
  alpha: number;
  /** every n-th pixel of every n-th row is sampled inside a cell */
  step: number;
}

export const MOTION_DEFAULTS: MotionOptions = { cols: 32, rows: 18, delta: 12, alpha: 0.1, step: 4 };

export class MotionGauge {
  private background: Float32Array | null = null;
  private readonly cells: Float32Array;
  private readonly counts: Uint16Array;
  private size = '';

  constructor(private readonly o: MotionOptions = MOTION_DEFAULTS) {
    this.cells = new Float32Array(o.cols * o.rows);
    this.counts = new Uint16Array(o.cols * o.rows);
  }

  /**
   * Feeds one packed RGB24 frame; returns how many cells moved (0 for the first frame, or after the
   * frame size changed: there is no background to compare with yet).
   */
  update(rgb: Uint8Array, width: number, height: number): number {
    const { cols, rows, step, delta, alpha } = this.o;
    const cells = this.cells;
    const counts = this.counts;
    cells.fill(0);
    counts.fill(0);
    for (let y = 0; y < height; y += step) {
      const r = Math.min(rows - 1, Math.floor((y * rows) / height));
      const row = y * width * 3;
      for (let x = 0; x < width; x += step) {
        const c = r * cols + Math.min(cols - 1, Math.floor((x * cols) / width));
        const p = row + x * 3;
        // BT.601 luma, integer arithmetic (as ingest's frame-stats.ts)
        cells[c]! += (77 * rgb[p]! + 150 * rgb[p + 1]! + 29 * rgb[p + 2]!) >> 8;
        counts[c]!++;
      }
    }
    for (let i = 0; i < cells.length; i++) cells[i] = counts[i] ? cells[i]! / counts[i]! : 0;
    const size = `${width}x${height}`;
    if (!this.background || size !== this.size) {
      this.background = Float32Array.from(cells);
      this.size = size;
      return 0;
    }
    const bg = this.background;
    let moved = 0;
    for (let i = 0; i < cells.length; i++) {
      if (Math.abs(cells[i]! - bg[i]!) > delta) moved++;
      bg[i]! += alpha * (cells[i]! - bg[i]!);
    }
    return moved;
  }
}
