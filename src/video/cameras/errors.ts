import { defineError } from '../../platform/shared/errors.ts';

export const CameraCatalogErrors = {
  /** the same error as ingest's (one code for "no such camera", whoever says it) */
  notFound: defineError('JH_ERR_CAMERA_NOT_FOUND', 404, '摄像头不存在。', 'No such camera.'),
  exists: defineError(
    'JH_ERR_CAMERA_EXISTS',
    409,
    '已有同编号的摄像头，请换一个编号。',
    'A camera with this id already exists; choose another id.',
  ),
  inUse: defineError(
    'JH_ERR_CAMERA_IN_USE',
    409,
    '该摄像头正被进行中（或暂停中）的作业票使用，作业结束后才能删除；可先停用。',
    'A permit in progress (or suspended) names this camera: it can be removed once the work ends.',
  ),
  siteNotFound: defineError(
    'JH_ERR_CAMERA_SITE_NOT_FOUND',
    404,
    '作业区域不存在或不在您的权限范围内。',
    'No such site, or not within your scope.',
  ),
  badUrl: defineError(
    'JH_ERR_CAMERA_URL_INVALID',
    400,
    '摄像头地址无效：须为 rtsp://、rtsps://、http:// 或 https:// 开头的网络地址。',
    'Invalid camera URL: it must be an rtsp://, rtsps://, http:// or https:// network address.',
  ),
};
