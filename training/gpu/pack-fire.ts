/**
 * `tsx training/gpu/pack-fire.ts`: as pack-hardhat.ts, for the fire/smoke model — the clip-split frames of
 * fire-smoke-cctv and the added negative photos, as the CPU trainer (train-fire.ts) uses them, into
 * `.gpu/fire/`. The held-back test clips are not packed.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import { fireSplits } from '../head/finish-fire.ts';
import { checkYolox } from '../head/train-yolox-head.ts';
import { packGraph, packImages } from './pack-hardhat.ts';

export const FIRE_PACK_DIR = join(PROJECT_ROOT, '.gpu', 'fire');
const LABELS = ['fire', 'smoke'];

checkYolox();
rmSync(FIRE_PACK_DIR, { recursive: true, force: true });
mkdirSync(join(FIRE_PACK_DIR, 'img'), { recursive: true });
packGraph(FIRE_PACK_DIR);
const { split, negs } = await fireSplits();
// as train-fire.ts: CCTV frames without fire (lamps, red signs, fog) seen 3 times, with fire twice, the
// added PPE photos once
const train = [
  ...(await packImages(
    FIRE_PACK_DIR,
    split.train,
    'cctv-train',
    (i) => (i.gts.length === 0 ? 3 : 2),
    LABELS,
  )),
  ...(await packImages(FIRE_PACK_DIR, [...negs.train.hhw, ...negs.train.sv], 'neg-train', () => 1, LABELS)),
];
const val = [
  ...(await packImages(FIRE_PACK_DIR, split.val, 'cctv-val', () => 1, LABELS)),
  ...(await packImages(FIRE_PACK_DIR, [...negs.val.hhw, ...negs.val.sv], 'neg-val', () => 1, LABELS)),
];
writeFileSync(join(FIRE_PACK_DIR, 'labels.json'), JSON.stringify({ labels: LABELS, train, val }));
console.log(`packed ${train.length} training and ${val.length} validation files into ${FIRE_PACK_DIR}`);
