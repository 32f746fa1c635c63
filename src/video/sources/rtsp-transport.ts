import type { CameraSource, RtspTransport } from './types.ts';

/** The transport ffmpeg is actually asked for: `auto` is resolved to one of these before each open. */
export type ConcreteTransport = Exclude<RtspTransport, 'auto'>;

/**
 * A server's answer that says "not over this transport": 461 Unsupported Transport (VLC's RTSP server
 * to TCP interleaved), 400 Bad Request to SETUP (rtsp-server-perl), or ffmpeg's own summary of either,
 * "Protocol not supported". Only the SETUP answer counts: a 400 to DESCRIBE is a bad URL, not a transport.
 */
export function isTransportRefusal(stderr: string): boolean {
  return /method SETUP failed: (461|400)|Unsupported transport|Protocol not supported/i.test(stderr);
}

/** The advice shown in camera health for a refused transport, Chinese first (what to set, and why). */
export function transportAdvice(tried: RtspTransport): string {
  if (tried === 'tcp')
    return '摄像头拒绝 RTSP over TCP（461/400）：请将该摄像头的 rtspTransport 设为 auto 或 udp Camera refuses RTSP over TCP (461/400): set this camera’s rtspTransport to auto or udp';
  if (tried === 'udp')
    return '摄像头拒绝 RTSP over UDP（461/400）：请将该摄像头的 rtspTransport 设为 auto 或 tcp Camera refuses RTSP over UDP (461/400): set this camera’s rtspTransport to auto or tcp';
  return '摄像头既不接受 TCP 也不接受 UDP 传输，请检查摄像头的 RTSP 设置 Camera accepts neither TCP nor UDP: check its RTSP settings';
}

/**
 * `rtspTransport: auto`, one memory for every client of a camera (ingest, the live relay, the probe and
 * whatever records it): TCP is tried first (no loss, passes NAT and firewalls); when the server refuses
 * TCP (isTransportRefusal) the camera is opened over UDP, and UDP is remembered as its working transport
 * until that camera next fails, when TCP is tried again. A camera is known by its URL (so the detect
 * and the record stream of one camera are remembered apart, as they may be served by different boxes).
 * In memory only: a restart tries TCP once more, which costs one refused SETUP.
 */
export class AutoTransport {
  private readonly working = new Map<string, ConcreteTransport>();

  /** The transport to open `source` with now; a non-auto transport is returned as set (TCP when unset). */
  choose(source: Pick<CameraSource, 'url' | 'rtspTransport'>): ConcreteTransport {
    const set = source.rtspTransport ?? 'tcp';
    if (set !== 'auto') return set;
    return this.working.get(source.url) ?? 'tcp';
  }

  /** `source` with its transport resolved for this open (what inputArgs is given). */
  resolve<S extends CameraSource>(source: S): S & { rtspTransport: ConcreteTransport } {
    return { ...source, rtspTransport: this.choose(source) };
  }

  /**
   * A session or an attempt over `tried` ended with `stderr`. Returns true when `auto` should retry at
   * once over the other transport (TCP was refused); any other failure of an auto camera forgets what
   * was remembered, so the next attempt starts from TCP again.
   */
  failed(
    source: Pick<CameraSource, 'url' | 'rtspTransport'>,
    tried: ConcreteTransport,
    stderr: string,
  ): boolean {
    if (source.rtspTransport !== 'auto') return false;
    if (tried === 'tcp' && isTransportRefusal(stderr)) {
      this.working.set(source.url, 'udp');
      return true;
    }
    this.working.delete(source.url);
    return false;
  }

  /** What is remembered for a URL (diagnostics, tests); undefined when TCP will be tried. */
  remembered(url: string): ConcreteTransport | undefined {
    return this.working.get(url);
  }

  /** Forgets a camera (its URL changed or it was removed). */
  forget(url: string): void {
    this.working.delete(url);
  }
}

/** The process's one memory: ingest, the relay and the probe of a camera must agree on its transport. */
export const autoTransport = new AutoTransport();
