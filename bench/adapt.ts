/**
 * `npm run bench:adapt`: does site adaptation (`jianhu adapt`) help on a site the model never saw?
 * The site is construction-site-safety (CC BY 4.0; no photo of it in the hard-hat model's training),
 * split by source photo (filename before `.rf.`) into a "reviewed" half and a "later" half. Officers are
 * simulated on the reviewed half: every `head` detection at the operating threshold is a no-hard-hat
 * violation, confirmed when it overlaps a NO-Hardhat box (IoU ≥ 0.3), dismissed otherwise; its crop is
 * cut as the service cuts it. Adaptation runs on those crops (a quarter held back, as the service does)
 * and the shipped data; printed: AP on the later half before and after (IoU 0.3 and 0.5: this source
 * draws helmet boxes around the helmet alone), the shipped test figure before and after, CPU seconds.
 * Env: JH_SHIPPED_TRAIN (shipped photos to train with, default 600), JH_SITE_LIMIT (photos per half).
 */
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { readLabelledFolder, DEFAULT_CLASS_MAP, type LabelledImage } from '../src/cli/commands/eval-data.ts';
import { apOf, shippedHardhatData } from '../src/cli/commands/adapt-data.ts';
import { findModel, loadManifest, readVerifiedModel } from '../src/vision/detect/manifest.ts';
import { cropAroundHead } from '../src/vision/adapt/crop.ts';
import { adaptHardhat, cpuSecondsSince, type Photo, type ReviewedCrop } from '../src/vision/adapt/engine.ts';
import { readLastLayer, type LastLayer } from '../src/vision/adapt/head-layer.ts';
import { decodeRgb, HiddenFeatures } from '../src/vision/adapt/hidden-features.ts';
import { detectOnMap, type ApOf } from '../src/vision/adapt/judge.ts';
import { iou } from '../src/vision/detect/yolox-decode.ts';
import { PROJECT_ROOT } from '../src/vision/detect/manifest.ts';
import { holdBackIndex } from '../src/vision/adapt/split.ts';

const DATA = join(PROJECT_ROOT, '..', 'shared', 'datasets');
const CSS = join(DATA, 'construction-site-safety');
const log = (m: string): void => console.log(m);
const t0 = Date.now();
const cpu0 = process.cpuUsage();

const sizeOf = async (f: string) => {
  const m = await sharp(f).metadata();
  return { width: m.width ?? 0, height: m.height ?? 0 };
};
// Hardhat = the helmet alone, NO-Hardhat = a bare head (SOURCE.md)
const cssMap = { ...DEFAULT_CLASS_MAP, hardhat: 'helmet' as const, 'no-hardhat': 'head' as const };
const css = (
  await Promise.all(
    ['train', 'valid', 'test'].map((s) => readLabelledFolder(join(CSS, s, 'images'), 'yolo', sizeOf, cssMap)),
  )
).flat();
const source = (f: string): string => basename(f).replace(/\.rf\..*$/, '');
const fnv = (s: string): number => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
};
const hardhatOnly = (i: LabelledImage): Photo => ({
  file: i.file,
  gts: i.gts.filter((g) => g.label === 'helmet' || g.label === 'head'),
});
const limit = Number(process.env.JH_SITE_LIMIT ?? Infinity);
const reviewed = css
  .filter((i) => fnv(source(i.file)) % 2 === 0)
  .slice(0, limit)
  .map(hardhatOnly);
const later = css
  .filter((i) => fnv(source(i.file)) % 2 === 1)
  .slice(0, limit)
  .map(hardhatOnly);
log(
  `construction-site-safety: ${reviewed.length} reviewed-half files, ${later.length} later-half files (split by source photo)`,
);

const entry = findModel(loadManifest(), 'ppe-hardhat');
const modelBytes = readVerifiedModel(entry, '../shared/models');
const headThreshold = (entry.thresholds as { perClass?: { head?: number } }).perClass?.head ?? 0.58;
const shipped = await shippedHardhatData(DATA, { trainLimit: Number(process.env.JH_SHIPPED_TRAIN ?? 600) });
const start = readLastLayer(modelBytes);
const features = await HiddenFeatures.create(modelBytes);

// the officers' reviews on the reviewed half
const crops: ReviewedCrop[] = [];
for (const p of reviewed) {
  const rgb = await decodeRgb(p.file);
  const map = await features.run(rgb);
  for (const d of detectOnMap(map, start, headThreshold)) {
    if (d.label !== 'head' || d.score < headThreshold) continue;
    const bare = p.gts.some((g) => g.label === 'head' && iou(g.box, d.box) >= 0.3);
    crops.push({ ...(await cropAroundHead(rgb, d.box)), bare });
  }
}
const held = holdBackIndex(crops.length, 0.25);
const siteTrain = crops.filter((_, i) => !held.has(i));
const siteHeld = crops.filter((_, i) => held.has(i));
log(
  `reviews: ${crops.length} violations (${crops.filter((c) => c.bare).length} confirmed, ${crops.filter((c) => !c.bare).length} dismissed); ${siteHeld.length} held back`,
);

const ap: ApOf = apOf;
const res = await adaptHardhat({
  modelBytes,
  headThreshold,
  siteTrain,
  siteHeld,
  shippedTrain: shipped.train,
  shippedVal: shipped.val,
  ap,
  log,
});
log(
  `adaptation: ${res.cpuSeconds.toFixed(1)} CPU s; ${res.adopt ? 'would adopt' : 'would not adopt'}: ${res.reason}`,
);

async function figures(photos: readonly Photo[], layers: LastLayer[]) {
  const per = layers.map(() => [] as Parameters<ApOf>[0][number][]);
  for (const p of photos) {
    const map = await features.run(await decodeRgb(p.file));
    layers.forEach((l, k) => per[k]!.push({ dets: detectOnMap(map, l, 0.01), gts: p.gts }));
  }
  return per.map((ph) => ({
    head30: ap(ph, 'head', 0.3),
    helmet30: ap(ph, 'helmet', 0.3),
    head50: ap(ph, 'head', 0.5),
    helmet50: ap(ph, 'helmet', 0.5),
  }));
}
const [laterBefore, laterAfter] = await figures(later, [start, res.layer]);
const [testBefore, testAfter] = await figures(shipped.test, [start, res.layer]);
await features.close();
const f = (v: number) => v.toFixed(3);
log('\n| figure | before | after |\n| --- | --- | --- |');
for (const k of ['head30', 'helmet30', 'head50', 'helmet50'] as const)
  log(
    `| later half ${k.replace(/\d+$/, '')} AP@0.${k.endsWith('30') ? 3 : 5} | ${f(laterBefore![k])} | ${f(laterAfter![k])} |`,
  );
log(
  `| shipped test (hard-hat-workers + safety-vest-v4) mean AP@0.5 | ${f((testBefore!.head50 + testBefore!.helmet50) / 2)} | ${f((testAfter!.head50 + testAfter!.helmet50) / 2)} |`,
);
log(`| site held-back agreement | ${f(res.before.site)} | ${f(res.after.site)} |`);
log(`| shipped validation mean AP@0.5 | ${f(res.before.shipped)} | ${f(res.after.shipped)} |`);
console.log(
  JSON.stringify({
    bench: 'adapt',
    at: new Date().toISOString(),
    reviewedFiles: reviewed.length,
    laterFiles: later.length,
    crops: { train: siteTrain.length, held: siteHeld.length, confirmed: crops.filter((c) => c.bare).length },
    later: { before: laterBefore, after: laterAfter },
    shippedTest: { before: testBefore, after: testAfter },
    site: { before: res.before.site, after: res.after.site },
    shippedVal: { before: res.before.shipped, after: res.after.shipped },
    adopt: res.adopt,
    adaptCpuSeconds: Number(res.cpuSeconds.toFixed(1)),
    totalCpuSeconds: Number(cpuSecondsSince(cpu0).toFixed(1)),
    wallSeconds: Math.round((Date.now() - t0) / 1000),
  }),
);
