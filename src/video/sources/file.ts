import type { SourceType } from './types.ts';

/**
 * A video file played as a camera (demos, tests, the simulator's clips): `file:/clips/a.mp4`,
 * `file:///clips/a.mp4` or a bare path. It loops in real time, like a camera that never stops.
 */
export const fileSource: SourceType = {
  id: 'file',
  schemes: ['file', ''],
  zh: '视频文件（循环播放）',
  en: 'video file (looped)',
  loops: true,
  options: () => [],
  // ffmpeg's own file: protocol would take `file:///x` as the path `///x`; hand it the plain path
  target: (url) => url.replace(/^file:(\/\/)?/i, ''),
};
