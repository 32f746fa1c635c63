import { describe, expect, it } from 'vitest';
import { parseFps, probeArgs, redactUrl } from './probe.ts';

describe('camera URL probe helpers', () => {
  it('never echoes credentials', () => {
    expect(redactUrl('rtsp://admin:s3cret@10.0.0.5/ch1 failed: 401')).toBe(
      'rtsp://***@10.0.0.5/ch1 failed: 401',
    );
    expect(redactUrl('http://cam/x')).toBe('http://cam/x');
  });
  it.each([
    ['25/1', 25],
    ['30000/1001', 29.97],
    ['0/0', undefined],
    [undefined, undefined],
  ])('fps %s → %s', (r, fps) => expect(parseFps(r)).toBe(fps));
  it('uses TCP and a socket timeout for RTSP, rw_timeout for HTTP, URL last', () => {
    const rtsp = probeArgs('rtsp://cam/1', 5000);
    expect(rtsp.slice(-5)).toEqual(['-rtsp_transport', 'tcp', '-timeout', '5000000', 'rtsp://cam/1']);
    expect(probeArgs('http://cam/1', 3000).slice(-3)).toEqual(['-rw_timeout', '3000000', 'http://cam/1']);
  });
});
