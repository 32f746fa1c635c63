import { defineError } from '../../platform/shared/errors.ts';

export const IngestErrors = {
  cameraNotFound: defineError('JH_ERR_CAMERA_NOT_FOUND', 404, '摄像头不存在。', 'No such camera.'),
  badRange: defineError(
    'JH_ERR_CAMERA_BAD_RANGE',
    400,
    '时间范围无效（from 须早于 to，且不超过 400 天）。',
    'Invalid time range (from must be before to, at most 400 days).',
  ),
};
