/**
 * The labelled sources under ../shared/datasets that `npm run eval` reads, how each draws its boxes,
 * which split of each is a fair test, and which shipped model was trained on which source — so every
 * figure is labelled honestly as in-source (a test split of a source the model trained on) or
 * held-out-source (a source the model never saw). Splits are by source photo (each SOURCE.md).
 */
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { PROJECT_ROOT } from '../../vision/detect/manifest.ts';
import type { Label } from '../../vision/detect/types.ts';
import { readLabelledFolder, type LabelledImage } from './eval-data.ts';

export const DATASETS = join(PROJECT_ROOT, '..', 'shared', 'datasets');

export type SourceName = 'hard-hat-workers' | 'safety-vest-v4' | 'construction-site-safety';

export interface Source {
  name: SourceName;
  licence: string;
  /**
   * How the source draws a `helmet` and a bare `head` box (the IoU a matching box can reach depends on
   * it; ours cover helmet or hair and the face). construction-site-safety boxes the top of the head in
   * both cases (its bare-head boxes: median height/width 0.87 on valid+test, hair and scalp, no face).
   */
  helmetBox: 'helmet and face' | 'helmet alone';
  headBox: 'head and face' | 'top of the head';
  labels: readonly Label[];
  /** the held-back test split (one file per source photo) */
  test: () => Promise<LabelledImage[]>;
  /**
   * Every photo of the source no training recipe of ours may use when the source is held out: its
   * valid and test splits (construction-site-safety's train/ holds mosaic and cut-out augmentations,
   * not photos). Only read for a model that never saw the source.
   */
  heldOut: () => Promise<LabelledImage[]>;
}

const sizeOf = async (f: string): Promise<{ width: number; height: number }> => {
  const m = await sharp(f).metadata();
  return { width: m.width ?? 0, height: m.height ?? 0 };
};

/** The source photo of a Roboflow export file: the name before `.rf.` (`-1670-_png_jpg.rf.<hash>.jpg`). */
export const roboflowPhoto = (file: string): string => basename(file).replace(/\.rf\..*$/, '');

const yolo = (set: string, split: string) =>
  readLabelledFolder(join(DATASETS, set, split, 'images'), 'yolo', sizeOf);

/**
 * construction-site-safety (CC BY 4.0): train minus every source photo that also appears in valid/ or
 * test/ (6 and 2 upstream), valid, test. Classes through eval-data.ts DEFAULT_CLASS_MAP.
 */
export async function constructionSiteSafety(): Promise<{
  train: LabelledImage[];
  val: LabelledImage[];
  test: LabelledImage[];
}> {
  const [train, val, test] = await Promise.all(
    ['train', 'valid', 'test'].map((s) => yolo('construction-site-safety', s)),
  );
  const held = new Set([...val!, ...test!].map((i) => roboflowPhoto(i.file)));
  return { train: train!.filter((i) => !held.has(roboflowPhoto(i.file))), val: val!, test: test! };
}

export const SOURCES: readonly Source[] = [
  {
    name: 'hard-hat-workers',
    licence: 'public domain',
    helmetBox: 'helmet and face',
    headBox: 'head and face',
    labels: ['helmet', 'head'],
    test: () => readLabelledFolder(join(DATASETS, 'hard-hat-workers', 'images', 'test'), 'voc', sizeOf),
    heldOut: async () =>
      (
        await Promise.all(
          ['val', 'test'].map((s) =>
            readLabelledFolder(join(DATASETS, 'hard-hat-workers', 'images', s), 'voc', sizeOf),
          ),
        )
      ).flat(),
  },
  {
    name: 'safety-vest-v4',
    licence: 'CC BY 4.0',
    helmetBox: 'helmet and face',
    headBox: 'head and face',
    labels: ['helmet', 'head', 'vest', 'no_vest'],
    test: () => yolo('safety-vest-v4', 'test'),
    heldOut: async () => (await Promise.all(['valid', 'test'].map((s) => yolo('safety-vest-v4', s)))).flat(),
  },
  {
    name: 'construction-site-safety',
    licence: 'CC BY 4.0',
    helmetBox: 'helmet alone',
    headBox: 'top of the head',
    labels: ['helmet', 'head', 'vest', 'no_vest', 'person'],
    test: () => yolo('construction-site-safety', 'test'),
    heldOut: async () => {
      const s = await constructionSiteSafety();
      return [...s.val, ...s.test];
    },
  },
];

/** A PPE model `npm run eval` measures: the pipeline it runs in and the labels it answers for. */
export interface PpeModel {
  name: 'ppe-hardhat' | 'ppe-vest' | 'ppe-vest-head';
  pipeline: readonly string[];
  labels: readonly Label[];
  /**
   * The sources the shipped model was trained on (its card's "Data" section; a unit test holds the
   * two together). A figure on any other source is a held-out-source figure.
   */
  trainedOn: readonly SourceName[];
}

export const PPE_MODELS: readonly PpeModel[] = [
  {
    name: 'ppe-hardhat',
    // with the person detector (one backbone pass, as in service): the head state is per person
    pipeline: ['yolox-nano-coco', 'ppe-hardhat'],
    labels: ['helmet', 'head'],
    trainedOn: ['hard-hat-workers', 'safety-vest-v4'],
  },
  {
    name: 'ppe-vest',
    pipeline: ['yolox-nano-coco', 'ppe-vest'],
    labels: ['vest', 'no_vest'],
    trainedOn: ['safety-vest-v4'],
  },
  {
    // opt-in experiment (not in the default pipeline): the vest as a head on the shared backbone, measured
    // on the same sets as ppe-vest so the two stand side by side (models/ppe-vest-head.card.md)
    name: 'ppe-vest-head',
    pipeline: ['yolox-nano-coco', 'ppe-vest-head'],
    labels: ['vest', 'no_vest'],
    trainedOn: ['safety-vest-v4'],
  },
];
