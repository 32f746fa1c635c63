import { defineError } from '../../platform/shared/errors.ts';

export const SourceErrors = {
  unsupportedScheme: defineError(
    'JH_ERR_CAMERA_SCHEME_UNSUPPORTED',
    400,
    '摄像头地址的协议不受支持：没有已注册的视频源类型处理它。',
    'No camera source type handles the URL scheme of this camera.',
  ),
};
