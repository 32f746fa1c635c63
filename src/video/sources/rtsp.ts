import { timeoutMicros, type SourceType } from './types.ts';

/** IP cameras and NVR channels over RTSP (rtsps: the same over TLS). */
export const rtspSource: SourceType = {
  id: 'rtsp',
  schemes: ['rtsp', 'rtsps'],
  zh: 'RTSP 网络摄像头',
  en: 'RTSP IP camera',
  loops: false,
  options(source) {
    // every purpose honours the camera's transport: a camera reachable over UDP only (or TCP only)
    // must not work for detection and fail for the live view or the evidence clip. `auto` is resolved
    // by the caller (rtsp-transport.ts: AutoTransport) before each open; unresolved it is its first
    // try, TCP. Never ffmpeg's own no-flag default: that tries UDP first, which a NAT or a firewall
    // between box and camera silently eats until the timeout.
    const transport = !source.rtspTransport || source.rtspTransport === 'auto' ? 'tcp' : source.rtspTransport;
    const args = ['-rtsp_transport', transport];
    // ffmpeg ≥ 5: -timeout is the RTSP socket I/O timeout in microseconds (was -stimeout)
    args.push('-timeout', timeoutMicros(source));
    return args;
  },
  target: (url) => url,
};
