import { describe, expect, it } from 'vitest';
import { parseFps, probeArgs } from './probe.ts';

describe('camera URL probe helpers', () => {
  it.each([
    ['25/1', 25],
    ['30000/1001', 29.97],
    ['0/0', undefined],
    [undefined, undefined],
  ])('fps %s → %s', (r, fps) => expect(parseFps(r)).toBe(fps));
  it('uses TCP and a socket timeout for RTSP, rw_timeout for HTTP, URL last', () => {
    const rtsp = probeArgs({ url: 'rtsp://cam/1' }, 5000);
    expect(rtsp.slice(-6)).toEqual(['-rtsp_transport', 'tcp', '-timeout', '5000000', '-i', 'rtsp://cam/1']);
    expect(probeArgs({ url: 'http://cam/1' }, 3000).slice(-4)).toEqual([
      '-rw_timeout',
      '3000000',
      '-i',
      'http://cam/1',
    ]);
  });
  it("honours the camera's transport, and the probe's timeout bounds it", () => {
    const udp = probeArgs({ url: 'rtsp://cam/1', rtspTransport: 'udp', timeoutMs: 60_000 }, 6000);
    expect(udp.slice(-6)).toEqual(['-rtsp_transport', 'udp', '-timeout', '6000000', '-i', 'rtsp://cam/1']);
    // auto, unresolved, is its first try: TCP (probeCamera resolves it and falls back to UDP)
    expect(probeArgs({ url: 'rtsp://cam/1', rtspTransport: 'auto' }, 6000).slice(-6, -4)).toEqual([
      '-rtsp_transport',
      'tcp',
    ]);
  });
  it('opens a file once: no pacing, no looping', () => {
    expect(probeArgs({ url: 'file:///clips/a.mp4' }, 6000).slice(-2)).toEqual(['-i', '/clips/a.mp4']);
    expect(probeArgs({ url: 'file:///clips/a.mp4' }, 6000)).not.toContain('-stream_loop');
  });
});
