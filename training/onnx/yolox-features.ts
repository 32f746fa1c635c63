/**
 * YOLOX-Nano (COCO, 416x416) as a frozen feature extractor. The head of each FPN level ends in
 * two 64-channel branches (classification and regression) before COCO's 1x1 prediction convs;
 * their concatenation (128 values per grid cell) is what our own heads are trained on.
 * Tensor names were read from the graph (training/onnx/inspect.ts).
 */
import { floatOutput, pruneTo, readModel, type OnnxModel } from '../../src/vision/detect/onnx/onnx-model.ts';

export const YOLOX_FILE = '../shared/models/yolox-nano-coco/yolox_nano_416x416.onnx';
export const YOLOX_SHA256 = '695e750a5d5754bb5a8d5325643b59282191a7e7a564e435a415fd3c578eab14';
export const INPUT_SIZE = 416;
export const STRIDES = [8, 16, 32] as const;
export const FEATURE_DIM = 128;

/** Per level: [classification-branch tensor, regression-branch tensor], each [1,64,H,W]. */
export const LEVEL_TENSORS: readonly (readonly [string, string])[] = [
  ['1044', '1061'],
  ['1086', '1103'],
  ['1128', '1145'],
];

/** Per level: YOLOX's own COCO head [1,85,H,W] (objectness ch 4, person ch 5), for hard negatives. */
export const LEVEL_COCO = ['1066', '1108', '1150'] as const;

export function featureModel(file = YOLOX_FILE): OnnxModel {
  const m = readModel(file);
  pruneTo(
    m,
    [...LEVEL_TENSORS.flat(), ...LEVEL_COCO].map((n) => floatOutput(n, 4)),
  );
  return m;
}
