import { timeoutMicros, type SourceType } from './types.ts';

/**
 * Cameras that serve their picture over HTTP(S), typically MJPEG (multipart/x-mixed-replace), which
 * ffmpeg recognises by itself; an HTTP MPEG-TS stream works the same way.
 */
export const httpSource: SourceType = {
  id: 'http',
  schemes: ['http', 'https'],
  zh: 'HTTP(S) 摄像头（MJPEG）',
  en: 'HTTP(S) camera (MJPEG)',
  loops: false,
  // -rw_timeout: HTTP's I/O timeout (µs); -timeout means something else for http (the listen timeout)
  options: (source) => ['-rw_timeout', timeoutMicros(source)],
  target: (url) => url,
};
