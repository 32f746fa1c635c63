/**
 * Renders a welding arc or cutting sparks onto an RGB frame (pure, seeded): no open arc footage with a
 * clear licence exists, so the `arc` model learns from composites (models/arc.card.md). What a CCTV
 * camera records of an arc, and what this draws:
 * - a core far past the sensor's range: a clipped white blob, a few pixels to tens of pixels across;
 * - bloom around it (lens glare), blue-white for electric arcs (MIG/TIG/stick), whiter for plasma;
 * - the scene lit by it: a broad blue-white cast falling off with distance, and the camera's auto
 *   exposure darkening everything else;
 * - spark trails: thin orange-yellow streaks thrown out and falling under gravity (stick welding,
 *   grinding and cutting throw many, TIG almost none);
 * - flicker (the arc's brightness changes frame to frame: sometimes the core barely clips), motion
 *   blur along one direction, and sometimes a vertical smear column (CCD/CMOS blooming).
 * The box is the arc's glow (core + bloom where the added light is at least half the sensor's range),
 * not the spark trails: sparks vary too much in extent to be a stable box.
 */
import type { Box, RgbImage } from '../../src/vision/detect/types.ts';
import { uniform, type Rng } from '../head/rng.ts';

export interface ArcParams {
  cx: number;
  cy: number;
  /** core half-axes (px) and the angle of the long one (radians) */
  coreRx: number;
  coreRy: number;
  angle: number;
  /** bloom e-folding radius (px) */
  bloom: number;
  /** light of the core in units of the sensor's full range (≥ 1 clips) */
  intensity: number;
  /** bloom / cast colour, each channel 0..1 */
  tint: [number, number, number];
  /** scene gain from auto exposure (≤ 1) and the cast's strength near the arc */
  exposure: number;
  cast: number;
  /** gaussian radius (px) of the cast on the scene */
  castRadius: number;
  sparks: number;
  /** mean direction the sparks are thrown (radians, 0 = right, π/2 = down) and their spread */
  sparkDir: number;
  sparkSpread: number;
  sparkLength: number;
  /** motion blur: length (px) and direction */
  blurLen: number;
  blurAngle: number;
  smear: boolean;
}

const logUniform = (rng: Rng, lo: number, hi: number): number =>
  Math.exp(uniform(rng, Math.log(lo), Math.log(hi)));

/** Random arc parameters for a width×height frame (sizes scale with the frame's longer side / 640). */
export function randomArc(rng: Rng, width: number, height: number): ArcParams {
  const s = Math.max(width, height) / 640;
  const core = logUniform(rng, 1.8, 7) * s;
  const aspect = uniform(rng, 1, 2.2);
  const plasma = rng() < 0.2;
  // blue-white for electric arcs; plasma cutting and bright stick arcs read nearly white on CCTV
  const tint: [number, number, number] = plasma
    ? [uniform(rng, 0.85, 1), uniform(rng, 0.9, 1), 1]
    : [uniform(rng, 0.45, 0.8), uniform(rng, 0.65, 0.9), 1];
  const sparky = rng();
  return {
    cx: uniform(rng, 0.06, 0.94) * width,
    cy: uniform(rng, 0.15, 0.95) * height,
    coreRx: core * aspect,
    coreRy: core,
    angle: uniform(rng, 0, Math.PI),
    bloom: core * uniform(rng, 0.8, 2.5),
    // flicker: from barely clipping to far past it
    intensity: logUniform(rng, 0.9, 4),
    tint,
    exposure: rng() < 0.5 ? uniform(rng, 0.55, 0.95) : 1,
    cast: uniform(rng, 0, 0.35),
    castRadius: core * uniform(rng, 4, 10),
    sparks:
      sparky < 0.2 ? 0 : sparky < 0.7 ? Math.round(uniform(rng, 3, 20)) : Math.round(uniform(rng, 20, 70)),
    sparkDir: uniform(rng, 0, 2 * Math.PI),
    sparkSpread: uniform(rng, 0.4, Math.PI),
    sparkLength: core * uniform(rng, 3, 14),
    blurLen: rng() < 0.35 ? uniform(rng, 2, 14) * s : 0,
    blurAngle: uniform(rng, 0, Math.PI),
    smear: rng() < 0.08,
  };
}

/** A light layer over a window of the frame: 3 floats per pixel in units of the sensor's range. */
class Layer {
  readonly data: Float32Array;
  constructor(
    readonly x0: number,
    readonly y0: number,
    readonly w: number,
    readonly h: number,
  ) {
    this.data = new Float32Array(w * h * 3);
  }
  add(x: number, y: number, r: number, g: number, b: number): void {
    const lx = Math.round(x) - this.x0;
    const ly = Math.round(y) - this.y0;
    if (lx < 0 || ly < 0 || lx >= this.w || ly >= this.h) return;
    const i = (ly * this.w + lx) * 3;
    this.data[i] = (this.data[i] as number) + r;
    this.data[i + 1] = (this.data[i + 1] as number) + g;
    this.data[i + 2] = (this.data[i + 2] as number) + b;
  }
}

/** Directional box blur of a layer (n taps along the angle), for motion blur. */
function blurAlong(l: Layer, len: number, angle: number): void {
  const taps = Math.max(2, Math.round(len));
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  const src = Float32Array.from(l.data);
  for (let y = 0; y < l.h; y++)
    for (let x = 0; x < l.w; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let t = 0; t < taps; t++) {
        const o = t - (taps - 1) / 2;
        const sx = Math.round(x + o * dx);
        const sy = Math.round(y + o * dy);
        if (sx < 0 || sy < 0 || sx >= l.w || sy >= l.h) continue;
        const j = (sy * l.w + sx) * 3;
        r += src[j] as number;
        g += src[j + 1] as number;
        b += src[j + 2] as number;
      }
      const i = (y * l.w + x) * 3;
      l.data[i] = r / taps;
      l.data[i + 1] = g / taps;
      l.data[i + 2] = b / taps;
    }
}

function drawSparks(l: Layer, p: ArcParams, rng: Rng): void {
  for (let k = 0; k < p.sparks; k++) {
    const dir = p.sparkDir + (rng() - 0.5) * 2 * p.sparkSpread;
    const len = p.sparkLength * uniform(rng, 0.3, 1.3);
    // ballistic: the trail bends downwards over its length
    const sag = uniform(rng, 0, 0.5);
    const bright = uniform(rng, 0.5, 1.6);
    const col: [number, number, number] = [1, uniform(rng, 0.65, 0.95), uniform(rng, 0.25, 0.7)];
    const start = Math.max(p.coreRx, p.coreRy) * uniform(rng, 0.3, 1.5);
    const steps = Math.max(4, Math.ceil(len));
    const thick = rng() < 0.3;
    for (let t = 0; t <= steps; t++) {
      const f = t / steps;
      const d = start + f * len;
      const x = p.cx + Math.cos(dir) * d;
      const y = p.cy + Math.sin(dir) * d + sag * len * f * f;
      // hot at the arc, fading out along the trail
      const a = bright * (1 - 0.8 * f);
      l.add(x, y, a * col[0], a * col[1], a * col[2]);
      if (thick) l.add(x + 1, y, a * col[0] * 0.5, a * col[1] * 0.5, a * col[2] * 0.5);
    }
  }
}

/**
 * Draws the arc into `img` (changed in place) and returns its box in source pixels, clipped to the
 * frame. `rng` draws the sparks (the same seed gives the same frame).
 */
export function drawArc(img: RgbImage, p: ArcParams, rng: Rng): Box {
  const { width: W, height: H, data } = img;
  const core = Math.max(p.coreRx, p.coreRy);
  const reach = Math.ceil(Math.max(core + p.bloom * 8, p.castRadius * 3.5, p.sparkLength * 1.8) + p.blurLen);
  const x0 = Math.max(0, Math.floor(p.cx - reach));
  const y0 = Math.max(0, Math.floor(p.cy - reach));
  const x1 = Math.min(W, Math.ceil(p.cx + reach));
  const y1 = Math.min(H, Math.ceil(p.cy + reach));
  const glow = new Layer(x0, y0, x1 - x0, y1 - y0);
  const cos = Math.cos(p.angle);
  const sin = Math.sin(p.angle);
  const [tr, tg, tb] = p.tint;
  const cast = new Float32Array(glow.w * glow.h);
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const dx = x + 0.5 - p.cx;
      const dy = y + 0.5 - p.cy;
      const u = (dx * cos + dy * sin) / p.coreRx;
      const v = (-dx * sin + dy * cos) / p.coreRy;
      const e = Math.sqrt(u * u + v * v); // 1 on the core's edge
      // distance past the core's edge along the ray from the centre (e = 1 on the edge)
      const outside = e > 1 ? Math.hypot(dx, dy) * (1 - 1 / e) : 0;
      const coreLight = e < 1 ? 1 : Math.exp(-((e - 1) * (e - 1)) * 8);
      const bloom = Math.exp(-outside / p.bloom);
      const i = ((y - y0) * glow.w + (x - x0)) * 3;
      const white = p.intensity * coreLight;
      const b = 0.7 * Math.sqrt(p.intensity) * bloom;
      glow.data[i] = white + b * tr;
      glow.data[i + 1] = white + b * tg;
      glow.data[i + 2] = white + b * tb;
      const d = Math.hypot(dx, dy);
      cast[(y - y0) * glow.w + (x - x0)] = p.cast * Math.exp(-(d * d) / (2 * p.castRadius * p.castRadius));
    }
  // the box: where the glow alone (no sparks, before blur widens it) reaches half the range
  let bx1 = Infinity;
  let by1 = Infinity;
  let bx2 = -Infinity;
  let by2 = -Infinity;
  for (let y = 0; y < glow.h; y++)
    for (let x = 0; x < glow.w; x++) {
      const i = (y * glow.w + x) * 3;
      const lum =
        0.299 * (glow.data[i] as number) +
        0.587 * (glow.data[i + 1] as number) +
        0.114 * (glow.data[i + 2] as number);
      if (lum < 0.5) continue;
      bx1 = Math.min(bx1, x + x0);
      by1 = Math.min(by1, y + y0);
      bx2 = Math.max(bx2, x + x0 + 1);
      by2 = Math.max(by2, y + y0 + 1);
    }
  drawSparks(glow, p, rng);
  if (p.blurLen > 0) {
    blurAlong(glow, p.blurLen, p.blurAngle);
    const ex = (Math.abs(Math.cos(p.blurAngle)) * p.blurLen) / 2;
    const ey = (Math.abs(Math.sin(p.blurAngle)) * p.blurLen) / 2;
    [bx1, by1, bx2, by2] = [bx1 - ex, by1 - ey, bx2 + ex, by2 + ey];
  }
  if (p.exposure < 1) for (let i = 0; i < data.length; i++) data[i] = (data[i] as number) * p.exposure;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const li = (y - y0) * glow.w + (x - x0);
      const c = cast[li] as number;
      const i = (y * W + x) * 3;
      const add = [
        glow.data[li * 3] as number,
        glow.data[li * 3 + 1] as number,
        glow.data[li * 3 + 2] as number,
      ];
      const tint = [tr, tg, tb];
      for (let k = 0; k < 3; k++) {
        const bg = data[i + k] as number;
        // the scene lit by the arc (multiplicative, tinted) plus the arc's own light; the sensor clips
        const v =
          bg * (1 + c * 2 * (tint[k] as number)) +
          255 * ((add[k] as number) + c * 0.35 * (tint[k] as number));
        data[i + k] = v > 255 ? 255 : v;
      }
    }
  if (p.smear) {
    // a vertical column through the core, as saturated sensors bleed along their readout
    const half = Math.max(1, Math.round(core * 0.4));
    for (let x = Math.round(p.cx) - half; x <= Math.round(p.cx) + half; x++) {
      if (x < 0 || x >= W) continue;
      for (let y = 0; y < H; y++) {
        const i = (y * W + x) * 3;
        for (let k = 0; k < 3; k++) data[i + k] = Math.min(255, (data[i + k] as number) + 90);
      }
    }
  }
  if (!Number.isFinite(bx1)) [bx1, by1, bx2, by2] = [p.cx - core, p.cy - core, p.cx + core, p.cy + core];
  const pad = 1;
  return [
    Math.max(0, Math.floor(bx1) - pad),
    Math.max(0, Math.floor(by1) - pad),
    Math.min(W, Math.ceil(bx2) + pad),
    Math.min(H, Math.ceil(by2) + pad),
  ];
}

/**
 * Lights that are not hot work, drawn on negative frames so that "a small clipped white spot" alone is
 * not an arc: fluorescent tubes (long, white), lamps and bulbs (round, neutral to warm glow) and sun
 * glints (a tiny clipped point). Steady light: no sparks, no blue cast, no auto-exposure drop.
 */
export function randomLamp(rng: Rng, width: number, height: number): ArcParams {
  const s = Math.max(width, height) / 640;
  const kind = rng();
  const tube = kind < 0.35;
  const glint = kind >= 0.8;
  const core = (glint ? uniform(rng, 1, 2.5) : logUniform(rng, 1.8, 7)) * s;
  const warm = uniform(rng, 0, 1);
  return {
    cx: uniform(rng, 0.04, 0.96) * width,
    cy: uniform(rng, 0.03, tube ? 0.6 : 0.95) * height,
    coreRx: core * (tube ? uniform(rng, 4, 12) : uniform(rng, 1, 1.5)),
    coreRy: core,
    angle: tube ? (rng() < 0.7 ? uniform(rng, -0.15, 0.15) : uniform(rng, 0, Math.PI)) : 0,
    bloom: core * uniform(rng, 0.4, glint ? 1 : 2.5),
    intensity: logUniform(rng, 0.9, 4),
    tint: [1, 1 - 0.25 * warm, 1 - 0.55 * warm],
    exposure: 1,
    cast: 0,
    castRadius: core,
    sparks: 0,
    sparkDir: 0,
    sparkSpread: 0,
    sparkLength: 0,
    blurLen: 0,
    blurAngle: 0,
    smear: false,
  };
}
