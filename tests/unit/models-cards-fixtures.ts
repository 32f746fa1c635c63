/**
 * The training-run inputs of the model cards (tests/unit/models-cards.test.ts). A training run hands its
 * card figures no file keeps (the PyTorch run's record, validation F1, split counts, timings), so these are
 * typed here as the committed cards state them. They fill the sections a retrain would rewrite anyway;
 * the test compares byte for byte only the sections rendered wholly from committed files (models/*.loso.json,
 * models/*.eval.json, models/manifest.json) and constant text.
 */
import type { FireSplitCounts } from '../../training/cards/fire.ts';
import type { HardhatCounts } from '../../training/cards/hardhat.ts';
import type { ArcRun } from '../../training/arc/test-arc.ts';
import type { FinetunedDoc } from '../../training/gpu/finish-finetuned.ts';
import type { Mlp } from '../../training/head/mlp.ts';
import type { HeadResult } from '../../training/head/train-yolox-head.ts';

const none = new Float32Array(0);
const mlp = (dim: number, hidden: number, out: number): Mlp => ({
  dim,
  hidden,
  out,
  w1: none,
  b1: none,
  w2: none,
  b2: none,
  mean: none,
  std: none,
});

/** A fine-tuned run's record (finetune_hardhat.py's .json) without its weights. */
export function finetunedDoc(o: {
  task: 'hardhat' | 'fire';
  dims: [number, number, number];
  args: Record<string, unknown>;
  epochsDone?: number;
  seconds: number;
  device: string;
  torch: string;
}): FinetunedDoc {
  const [dim, hidden, out] = o.dims;
  return {
    name: o.task === 'fire' ? 'fire-smoke-ft' : 'ppe-hardhat-ft',
    task: o.task,
    cut: ['781', '841', '886'],
    cutName: 'pan',
    levelTensors: [],
    copyNodes: Array.from({ length: 181 }, (_, i) => `ft/${i}`),
    copies: {},
    mlp: { w1: '', b1: '', w2: '', b2: '', mean: '', std: '', dim, hidden, out },
    probe: { height: 0, width: 0, rows: [], every: 1 },
    args: o.args,
    ...(o.epochsDone === undefined ? {} : { epochsDone: o.epochsDone }),
    seconds: o.seconds,
    device: o.device,
    torch: o.torch,
  };
}

const RECIPE = { lr: 0.002, lr_copy: 0.0005, ema: 0.999, radius: 2.5, iou_loss: 2 };

export const HARDHAT_RUN = {
  doc: finetunedDoc({
    task: 'hardhat',
    dims: [264, 48, 7],
    args: { ...RECIPE, seed: 20261122, epochs: 60, batch: 64 },
    seconds: 271,
    device: 'NVIDIA H100 80GB HBM3',
    torch: '2.11.0+cu130',
  }),
  copiedWeights: 431296,
  valF1: { helmet: 0.854, head: 0.744 },
  counts: { hTrain: 400, hVal: 50, hTest: 51, svTrain: 885, svVal: 90, svTest: 22 } satisfies HardhatCounts,
};

/** The frozen-backbone hard-hat trainer's result (its card is not the shipped one: structure only). */
export const FROZEN_HEAD: HeadResult = {
  file: 'models/ppe-hardhat.onnx',
  sha256: 'b669cd2c'.padEnd(64, '0'),
  bytes: 1,
  mlp: mlp(264, 48, 7),
  colour: { context: [1], above: [1], neighbours: [1, -1] },
  trainSamples: { cells: 1, positives: 1, images: 1 },
  seconds: { features: 1, training: 1 },
  valLoss: 1,
};

export const FIRE_SPLIT: FireSplitCounts = {
  train: 691,
  val: 95,
  test: 192,
  trainClips: 35,
  valClips: 7,
  testClips: 10,
  trainNeg: 113,
  valNeg: 18,
  addedTrainHhw: 150,
  addedTrainSv: 150,
  addedValHhw: 50,
  addedValSv: 90,
  testNeg: 28,
};

export const FIRE_RUN = {
  doc: finetunedDoc({
    task: 'fire',
    dims: [136, 48, 7],
    args: { ...RECIPE, seed: 20261123, epochs: 20, batch: 32 },
    epochsDone: 12,
    seconds: 1309,
    device: 'cpu',
    torch: '1.13.0a0',
  }),
  copiedWeights: 431296,
  valFrame: { recall: 0.922, fpRate: 0.006 },
  valCctv: { recall: 0.922, fpRate: 0 },
  valFpBySource: { 'fire-smoke-cctv': 0, 'hard-hat-workers': 0, 'safety-vest-v4': 0.011 },
  valF1: { fire: 0.556, smoke: 0.852 },
  split: FIRE_SPLIT,
};

export const VEST_RUN = {
  whole: {
    wholeAspect: 2.8,
    tried: [
      { wholeAspect: 0, hitRate: 0.535 },
      { wholeAspect: 2.8, hitRate: 0.709 },
    ],
  },
  valR: { acc: 0.885, bal: 0.874 },
  counts: {
    trainPairs: 2253,
    matched: 1661,
    trainCrops: 4159,
    valCrops: 227,
    valMatched: 213,
    trainImgs: 885,
    valImgs: 90,
    testImgs: 22,
  },
  trainSeconds: 11,
  minutes: 1.7,
  inputs: 290,
  cues: 32,
  embedder: '0248',
};

const counts = (frames: number, bySource: Record<string, number>) => ({
  frames,
  composites: frames / 2,
  bySource,
});

export const arcRun = (file: { sha256: string; bytes: number }): ArcRun => ({
  seed: 20261207,
  hidden: 16,
  colour: { context: [1, 3, 5], above: [], peak: true },
  dims: { in: 142, out: 6 },
  file,
  seconds: { features: 328, training: 203 },
  minutes: 13.4,
  counts: {
    train: counts(946, { 'factory-clip': 40 }),
    val: counts(340, { 'factory-clip': 12 }),
    test: counts(390, { 'factory-clip': 13 }),
  },
  T: 0.94,
  val: { recall: 0.1, fpRate: 0.006, bySource: {} },
});
