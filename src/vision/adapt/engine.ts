/**
 * One adaptation run, without storage or HTTP (used by the service, `jianhu adapt` and `npm run
 * bench:adapt`): hidden maps of the shipped training photos and the site's reviewed crops → the scoring
 * rows of the last layer refitted (fit.ts) → judged before and after on the site's held-back crops and on
 * the shipped validation photos (judge.ts) → the new ONNX file and the decision.
 */
import type { Box, Label } from '../detect/types.ts';
import { addCropCells, addPhotoCells, CellKind, CellSet, HEAD, HELMET } from './cells.ts';
import { DEFAULT_FIT, fitScoreRows, type FitOptions } from './fit.ts';
import { readLastLayer, withLastLayer, type LastLayer } from './head-layer.ts';
import { decodeRgb, HiddenFeatures } from './hidden-features.ts';
import {
  agreement,
  decide,
  detectOnMap,
  HARDHAT_LABELS,
  saysBareHead,
  type ApOf,
  type Figures,
} from './judge.ts';

/** A reviewed crop: the picture around a detected head, the head's box in it, and the review. */
export interface ReviewedCrop {
  jpeg: Buffer;
  headBox: Box;
  /** model pixels per pixel of the frame it was cut from (so the head keeps its detected size) */
  modelScale: number;
  /** true: 确认违章 (a bare head); false: 误报驳回 (not a bare head) */
  bare: boolean;
}

export interface Photo {
  file: string;
  gts: readonly { label: Label; box: Box }[];
}

export interface EngineOptions {
  /** share of background cells sampled from each shipped photo */
  negRate: number;
  /** the site's cells weigh this share of the shipped object cells in the loss */
  siteShare: number;
  /** the shipped figure may drop by at most this much (mean AP@0.5) */
  margin: number;
  fit: FitOptions;
}

export const DEFAULT_ENGINE: EngineOptions = {
  negRate: 0.02,
  siteShare: 0.5,
  margin: 0.02,
  fit: DEFAULT_FIT,
};

export interface EngineInput {
  modelBytes: Uint8Array;
  /** the operating threshold of `head` (the manifest's perClass.head) */
  headThreshold: number;
  siteTrain: readonly ReviewedCrop[];
  siteHeld: readonly ReviewedCrop[];
  shippedTrain: readonly Photo[];
  shippedVal: readonly Photo[];
  ap: ApOf;
  options?: Partial<EngineOptions>;
  seed?: number;
  log?: (msg: string) => void;
}

export interface EngineResult {
  bytes: Buffer;
  layer: LastLayer;
  before: Figures;
  after: Figures;
  adopt: boolean;
  reason: string;
  cells: { shipped: number; site: number };
  cpuSeconds: number;
}

/** A small deterministic generator (mulberry32): the same inputs give the same file. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const classOf = (l: Label): number => (l === 'helmet' ? HELMET : HEAD);

export async function adaptHardhat(input: EngineInput): Promise<EngineResult> {
  const o = { ...DEFAULT_ENGINE, ...input.options };
  const log = input.log ?? (() => {});
  const cpu0 = process.cpuUsage();
  const start = readLastLayer(input.modelBytes);
  const features = await HiddenFeatures.create(input.modelBytes);
  try {
    const rng = seededRandom(input.seed ?? 20261207);
    const set = new CellSet(start.hidden);
    for (const [k, p] of input.shippedTrain.entries()) {
      const map = await features.run(await decodeRgb(p.file));
      const gts = p.gts.filter((g) => HARDHAT_LABELS.includes(g.label));
      addPhotoCells(
        set,
        map,
        start,
        gts.map((g) => ({ cls: classOf(g.label), box: g.box })),
        o.negRate,
        rng,
      );
      if ((k + 1) % 100 === 0) log(`  shipped photos ${k + 1}/${input.shippedTrain.length}`);
    }
    const shippedCells = set.n;
    const shippedObjects = set.weightOf(CellKind.ShippedObject);
    const siteMaps = [];
    for (const c of input.siteTrain)
      siteMaps.push({ c, map: await features.run(await decodeRgb(c.jpeg), c.modelScale) });
    // cells per crop differ with head size: weigh each crop alike, all crops together siteShare of the objects
    const perCrop = siteMaps.length > 0 ? (o.siteShare * shippedObjects) / siteMaps.length : 0;
    for (const { c, map } of siteMaps) {
      const probe = new CellSet(start.hidden);
      const n = addCropCells(probe, map, start, c.headBox, c.bare, 1);
      if (n > 0) addCropCells(set, map, start, c.headBox, c.bare, perCrop / n);
    }
    log(
      `  cells: ${shippedCells} from shipped photos, ${set.n - shippedCells} from ${siteMaps.length} site crops`,
    );
    const layer = fitScoreRows(start, set, o.fit);
    const figures = await judge(features, start, layer, input);
    const { adopt, reason } = decide(figures.before, figures.after, o.margin);
    return {
      bytes: withLastLayer(input.modelBytes, layer),
      layer,
      ...figures,
      adopt,
      reason,
      cells: { shipped: shippedCells, site: set.n - shippedCells },
      cpuSeconds: cpuSecondsSince(cpu0),
    };
  } finally {
    await features.close();
  }
}

async function judge(
  features: HiddenFeatures,
  start: LastLayer,
  layer: LastLayer,
  input: EngineInput,
): Promise<{ before: Figures; after: Figures }> {
  const verdicts = {
    before: [] as { said: boolean; bare: boolean }[],
    after: [] as { said: boolean; bare: boolean }[],
  };
  for (const c of input.siteHeld) {
    const map = await features.run(await decodeRgb(c.jpeg), c.modelScale);
    verdicts.before.push({
      said: saysBareHead(detectOnMap(map, start, 0.05), c.headBox, input.headThreshold),
      bare: c.bare,
    });
    verdicts.after.push({
      said: saysBareHead(detectOnMap(map, layer, 0.05), c.headBox, input.headThreshold),
      bare: c.bare,
    });
  }
  const photos = { before: [] as Parameters<ApOf>[0][number][], after: [] as Parameters<ApOf>[0][number][] };
  for (const p of input.shippedVal) {
    const map = await features.run(await decodeRgb(p.file));
    photos.before.push({ dets: detectOnMap(map, start, 0.01), gts: p.gts });
    photos.after.push({ dets: detectOnMap(map, layer, 0.01), gts: p.gts });
  }
  const meanAp = (ph: Parameters<ApOf>[0]): number =>
    HARDHAT_LABELS.reduce((s, l) => s + input.ap(ph, l, 0.5), 0) / HARDHAT_LABELS.length;
  return {
    before: { site: agreement(verdicts.before), shipped: meanAp(photos.before) },
    after: { site: agreement(verdicts.after), shipped: meanAp(photos.after) },
  };
}

export function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}
