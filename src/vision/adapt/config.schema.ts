import Type, { type Static } from 'typebox';

/** Site adaptation of the hard-hat model (`jianhu adapt`, the admin's 现场学习 button). */
export const AdaptConfigSchema = Type.Object(
  {
    datasetsDir: Type.String({
      default: '../shared/datasets',
      description:
        'the shipped training and validation photos (hard-hat-workers, safety-vest-v4); relative paths resolve against the project root',
    }),
    minCrops: Type.Integer({
      minimum: 2,
      default: 20,
      description:
        'reviewed no-hard-hat crops needed before adaptation runs (a quarter is held back to judge it)',
    }),
    holdBack: Type.Number({
      exclusiveMinimum: 0,
      maximum: 0.5,
      default: 0.25,
      description: 'share of crops held back',
    }),
    shippedTrainPhotos: Type.Integer({
      minimum: 1,
      default: 600,
      description: 'shipped training photos read per run (evenly drawn; about 0.1 CPU s each)',
    }),
    shippedValPhotos: Type.Integer({
      minimum: 1,
      default: 1000,
      description:
        'shipped validation photos the shipped figure is read on (evenly drawn; all 140 by default)',
    }),
    margin: Type.Number({
      minimum: 0,
      maximum: 0.2,
      default: 0.02,
      description:
        'how much the shipped validation figure (mean AP@0.5) may drop for a version to be adopted',
    }),
    steps: Type.Integer({
      minimum: 1,
      maximum: 5000,
      default: 200,
      description: 'optimiser steps on the last layer',
    }),
  },
  { additionalProperties: false, default: {} },
);

export type AdaptConfig = Static<typeof AdaptConfigSchema>;
