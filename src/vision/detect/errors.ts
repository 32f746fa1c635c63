import { defineError } from '../../platform/shared/errors.ts';

/** Coded errors of the detection runtime (CLI exit 2 for bad input, 1 for a broken install). */
export const DetectErrors = {
  manifestInvalid: defineError(
    'JH_ERR_DETECT_MANIFEST_INVALID',
    500,
    '模型清单 models/manifest.json 格式不正确。',
    'models/manifest.json is not valid.',
  ),
  modelUnknown: defineError(
    'JH_ERR_DETECT_MODEL_UNKNOWN',
    400,
    '模型清单中没有这个模型。',
    'No model of that name in models/manifest.json.',
  ),
  modelMissing: defineError(
    'JH_ERR_DETECT_MODEL_MISSING',
    503,
    '模型文件不存在。',
    'The model file is missing.',
  ),
  modelChecksum: defineError(
    'JH_ERR_DETECT_MODEL_CHECKSUM',
    503,
    '模型文件的 sha256 与清单不符（文件损坏或版本不对）。',
    'The model file does not match the sha256 in the manifest (corrupt or wrong version).',
  ),
  pluginUnknown: defineError(
    'JH_ERR_DETECT_PLUGIN_UNKNOWN',
    500,
    '没有这种检测插件类型。',
    'No detector plugin of that type.',
  ),
  imageUnreadable: defineError(
    'JH_ERR_DETECT_IMAGE_UNREADABLE',
    400,
    '无法解码图像（文件损坏或不是图像）。',
    'The image cannot be decoded (corrupt or not an image).',
  ),
  imageNotFound: defineError('JH_ERR_DETECT_IMAGE_NOT_FOUND', 404, '图像文件不存在。', 'No such image file.'),
  imageTooSmall: defineError(
    'JH_ERR_DETECT_IMAGE_TOO_SMALL',
    400,
    '图像太小，无法检测。',
    'The image is too small to run detection on.',
  ),
  badFrame: defineError(
    'JH_ERR_DETECT_BAD_FRAME',
    400,
    '帧数据长度与宽高不符。',
    'The frame buffer length does not match width × height × 3.',
  ),
  backboneMismatch: defineError(
    'JH_ERR_DETECT_BACKBONE_MISMATCH',
    500,
    '模型声明与另一模型共用主干网络，但其主干权重或结构不同，不能合并运行。',
    'The model says it shares a backbone with another model, but its backbone weights or structure differ; they cannot run as one graph.',
  ),
  workerFailed: defineError(
    'JH_ERR_DETECT_WORKER_FAILED',
    503,
    '推理工作线程异常退出。',
    'An inference worker thread failed.',
  ),
};

/** Smallest side (pixels) we run detection on; below this nothing meaningful can be found. */
export const MIN_IMAGE_SIDE = 16;
