/**
 * Label assignment for a YOLOX-layout head (pure, unit-tested): which grid cells of which level are
 * positives for which ground-truth box, which are ignored, which are negatives; and the regression
 * targets in YOLOX's parametrisation (cx = (tx + gx) * s, w = exp(tw) * s).
 */

export interface GtBox {
  /** class index in the model's output */
  cls: number;
  /** [x1, y1, x2, y2] in model-input pixels */
  box: [number, number, number, number];
}

export interface LevelRange {
  stride: number;
  /** object size (longer side, model pixels) this level is responsible for: [min, max) */
  min: number;
  max: number;
}

export const IGNORE = -2;
export const NEGATIVE = -1;

export interface CellTarget {
  gt: number;
  tx: number;
  ty: number;
  tw: number;
  th: number;
}

/**
 * For one level (grid g×g of stride s) returns per cell: NEGATIVE, IGNORE, or the index of the GT it
 * is a positive for. A cell is positive when its centre lies inside the box and within `radius`
 * strides of the box centre, for a box whose size fits the level; a box with no such cell takes the
 * cell containing its centre. Cells inside any box that are not positives are ignored.
 */
export function assignLevel(
  gts: readonly GtBox[],
  grid: number,
  level: LevelRange,
  radius = 2.5,
): Int32Array {
  const s = level.stride;
  const out = new Int32Array(grid * grid).fill(NEGATIVE);
  const bestArea = new Float64Array(grid * grid).fill(Infinity);
  gts.forEach((g, gi) => {
    const [x1, y1, x2, y2] = g.box;
    const cx = (x1 + x2) / 2;
    const cy = (y1 + y2) / 2;
    const size = Math.max(x2 - x1, y2 - y1);
    const fits = size >= level.min && size < level.max;
    const area = (x2 - x1) * (y2 - y1);
    const gx0 = Math.max(0, Math.floor(x1 / s));
    const gx1 = Math.min(grid - 1, Math.floor(x2 / s));
    const gy0 = Math.max(0, Math.floor(y1 / s));
    const gy1 = Math.min(grid - 1, Math.floor(y2 / s));
    let any = false;
    for (let gy = gy0; gy <= gy1; gy++) {
      for (let gx = gx0; gx <= gx1; gx++) {
        const px = (gx + 0.5) * s;
        const py = (gy + 0.5) * s;
        const i = gy * grid + gx;
        if (px < x1 || px > x2 || py < y1 || py > y2) continue;
        const central = Math.abs(px - cx) <= radius * s && Math.abs(py - cy) <= radius * s;
        if (fits && central) {
          any = true;
          // a cell inside two boxes belongs to the smaller one (as in FCOS/YOLOX)
          if (area < (bestArea[i] as number)) {
            bestArea[i] = area;
            out[i] = gi;
          }
        } else if (out[i] === NEGATIVE) out[i] = IGNORE;
      }
    }
    if (fits && !any) {
      const gx = Math.min(grid - 1, Math.max(0, Math.floor(cx / s)));
      const gy = Math.min(grid - 1, Math.max(0, Math.floor(cy / s)));
      const i = gy * grid + gx;
      if (area < (bestArea[i] as number)) {
        bestArea[i] = area;
        out[i] = gi;
      }
    }
  });
  return out;
}

/** YOLOX regression targets of box `b` for cell (gx, gy) at stride s. */
export function boxTarget(
  b: GtBox['box'],
  gx: number,
  gy: number,
  s: number,
): [number, number, number, number] {
  const cx = (b[0] + b[2]) / 2;
  const cy = (b[1] + b[3]) / 2;
  const w = Math.max(1, b[2] - b[0]);
  const h = Math.max(1, b[3] - b[1]);
  return [cx / s - gx, cy / s - gy, Math.log(w / s), Math.log(h / s)];
}
