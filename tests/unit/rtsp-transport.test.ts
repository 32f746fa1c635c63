import { describe, expect, it } from 'vitest';
import { classifyFfmpegFailure } from '../../src/video/ingest/ffmpeg-errors.ts';
import { gopOf } from '../../src/video/live/probe-gop.ts';
import { inputArgs } from '../../src/video/sources/registry.ts';
import { AutoTransport, isTransportRefusal } from '../../src/video/sources/rtsp-transport.ts';
import type { RtspTransport } from '../../src/video/sources/types.ts';

// what ffmpeg 5.1 prints against VLC's RTSP server (UDP only) when asked for TCP interleaved
const VLC_461 =
  '[rtsp @ 0x55a8] method SETUP failed: 461 Unsupported transport\nrtsp://cam/x: Protocol not supported';
const PERL_400 = '[rtsp @ 0x1] method SETUP failed: 400 Bad Request';
const URL = 'rtsp://user:pw@cam.local/x';

describe('isTransportRefusal', () => {
  it.each([
    [VLC_461, true],
    [PERL_400, true],
    ['rtsp://cam/x: Protocol not supported', true],
    ['[rtsp @ 0x1] method DESCRIBE failed: 400 Bad Request', false], // a bad URL, not a transport
    ['method DESCRIBE failed: 401 Unauthorized', false],
    ['Connection refused', false],
    ['Protocol not found', false],
  ])('%j → %s', (stderr, refused) => expect(isTransportRefusal(stderr)).toBe(refused));
});

describe('AutoTransport', () => {
  it('tries TCP first, UDP after a refused TCP, and remembers it until the next failure', () => {
    const t = new AutoTransport();
    const cam = { url: URL, rtspTransport: 'auto' as const };
    expect(t.choose(cam)).toBe('tcp');
    expect(t.failed(cam, 'tcp', VLC_461)).toBe(true); // retry at once
    expect(t.choose(cam)).toBe('udp');
    expect(t.choose(cam)).toBe('udp'); // remembered for every client of the camera
    expect(t.failed(cam, 'udp', 'Connection timed out')).toBe(false);
    expect(t.choose(cam)).toBe('tcp'); // a failure forgets it: TCP again
  });

  it('a refused UDP under auto is not retried (both were tried)', () => {
    const t = new AutoTransport();
    const cam = { url: URL, rtspTransport: 'auto' as const };
    t.failed(cam, 'tcp', VLC_461);
    expect(t.failed(cam, 'udp', PERL_400)).toBe(false);
    expect(t.choose(cam)).toBe('tcp');
  });

  it.each<[RtspTransport | undefined, string]>([
    ['tcp', 'tcp'],
    ['udp', 'udp'],
    [undefined, 'tcp'],
  ])('a forced transport (%s) is never switched', (set, expected) => {
    const t = new AutoTransport();
    const cam = { url: URL, rtspTransport: set };
    expect(t.failed(cam, expected as 'tcp', VLC_461)).toBe(false);
    expect(t.choose(cam)).toBe(expected);
  });

  it('knows cameras apart by URL', () => {
    const t = new AutoTransport();
    t.failed({ url: 'rtsp://a/1', rtspTransport: 'auto' }, 'tcp', VLC_461);
    expect(t.choose({ url: 'rtsp://a/1', rtspTransport: 'auto' })).toBe('udp');
    expect(t.choose({ url: 'rtsp://b/1', rtspTransport: 'auto' })).toBe('tcp');
    t.forget('rtsp://a/1');
    expect(t.remembered('rtsp://a/1')).toBeUndefined();
  });

  it('resolves into the one argument builder every client uses', () => {
    const t = new AutoTransport();
    const cam = { url: 'rtsp://a/1', rtspTransport: 'auto' as const, timeoutMs: 3000 };
    t.failed(cam, 'tcp', VLC_461);
    expect(inputArgs(t.resolve(cam), 'probe')).toEqual([
      '-rtsp_transport',
      'udp',
      '-timeout',
      '3000000',
      '-i',
      'rtsp://a/1',
    ]);
  });
});

describe('classifyFfmpegFailure: transport_unsupported', () => {
  it.each<[RtspTransport, RegExp]>([
    ['tcp', /rtspTransport 设为 auto 或 udp.*set this camera’s rtspTransport to auto or udp/],
    ['udp', /设为 auto 或 tcp.*to auto or tcp/],
    ['auto', /既不接受 TCP 也不接受 UDP.*neither TCP nor UDP/],
  ])('refused %s: the advice says what to set, zh then en', (transport, advice) => {
    const f = classifyFfmpegFailure(VLC_461, false, transport);
    expect(f.reason).toBe('transport_unsupported');
    expect(f.message).toMatch(advice);
  });

  it('without a transport (not RTSP) the old rules apply', () => {
    expect(classifyFfmpegFailure('Connection refused', false, 'tcp').reason).toBe('connection_refused');
    expect(classifyFfmpegFailure(VLC_461, false).reason).not.toBe('transport_unsupported');
  });
});

describe('gopOf (probe packets)', () => {
  const pk = (t: number, key = false) => ({ pts_time: t.toFixed(6), flags: key ? 'K_' : '__' });
  it.each([
    ['two keyframes 2 s apart', [pk(0.1), pk(3.8, true), pk(4.9), pk(5.8, true)], { gopSeconds: 2 }],
    ['median of several', [pk(0, true), pk(1, true), pk(3, true), pk(4, true)], { gopSeconds: 1 }],
    ['one keyframe: longer than the longest side', [pk(0), pk(1, true), pk(4)], { gopLongerThanSeconds: 3 }],
    ['no keyframe: longer than the span', [pk(0), pk(4)], { gopLongerThanSeconds: 4 }],
    ['nothing read', [], {}],
  ])('%s', (_, packets, expected) => expect(gopOf(packets)).toEqual(expected));
});
