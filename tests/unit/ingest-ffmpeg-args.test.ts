import { describe, expect, it } from 'vitest';
import { buildFfmpegArgs } from '../../src/video/ingest/ffmpeg-args.ts';
import { classifyFfmpegFailure } from '../../src/video/ingest/ffmpeg-errors.ts';

const base = { url: 'rtsp://cam.local:554/sub', width: 640, height: 360, fps: 2 };
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('buildFfmpegArgs', () => {
  it.each([
    {
      name: 'rtsp defaults to tcp with a socket timeout in µs',
      input: base,
      has: [
        ['-rtsp_transport', 'tcp'],
        ['-timeout', '5000000'],
      ],
    },
    {
      name: 'udp transport on request',
      input: { ...base, transport: 'udp' as const },
      has: [['-rtsp_transport', 'udp']],
    },
    {
      name: 'a bare path is a looping file',
      input: { ...base, url: 'clips/a.mp4' },
      has: [
        ['-stream_loop', '-1'],
        ['-i', 'clips/a.mp4'],
      ],
    },
    { name: 'custom timeout', input: { ...base, timeoutMs: 2500 }, has: [['-timeout', '2500000']] },
    { name: 'one decoder thread by default', input: base, has: [['-threads', '1']] },
    {
      name: 'keyframe-only decode',
      input: { ...base, keyframesOnly: true },
      has: [['-skip_frame', 'nokey']],
    },
    { name: 'wall-clock timestamps', input: base, has: [['-use_wallclock_as_timestamps', '1']] },
    {
      name: 'raw rgb24 to stdout',
      input: base,
      has: [
        ['-f', 'rawvideo'],
        ['-pix_fmt', 'rgb24'],
      ],
    },
    {
      name: 'http uses rw_timeout',
      input: { ...base, url: 'http://cam/mjpeg' },
      has: [['-rw_timeout', '5000000']],
    },
    {
      name: 'file loops in real time',
      input: { ...base, url: 'file:///tmp/a.mp4' },
      has: [
        ['-stream_loop', '-1'],
        ['-i', '/tmp/a.mp4'],
      ],
    },
  ])('$name', ({ input, has }) => {
    const args = buildFfmpegArgs(input);
    for (const [flag, value] of has) expect(after(args, flag!)).toBe(value);
    expect(args.at(-1)).toBe('pipe:1');
  });

  it('puts input options before -i and never passes -rtsp_transport for files', () => {
    const args = buildFfmpegArgs(base);
    expect(args.indexOf('-rtsp_transport')).toBeLessThan(args.indexOf('-i'));
    expect(args.indexOf('-skip_frame')).toBe(-1);
    expect(buildFfmpegArgs({ ...base, url: 'file:/x.mp4' })).not.toContain('-rtsp_transport');
  });

  it('stamps a file with its own timestamps: -re with wall-clock ones would never read the next frame', () => {
    const file = buildFfmpegArgs({ ...base, url: 'file:///tmp/a.mp4' });
    expect(file).toContain('-re');
    expect(file).not.toContain('-use_wallclock_as_timestamps');
  });

  it('samples by dropping (select), scales after selecting, and never duplicates', () => {
    const vf = after(buildFfmpegArgs({ ...base, fps: 2, width: 320, height: 180 }), '-vf')!;
    expect(vf).toMatch(/^select='isnan\(prev_selected_t\)\+gte\(t-prev_selected_t\\,0\.475\)',scale=320:180/);
    expect(vf.endsWith('format=rgb24')).toBe(true);
    expect(after(buildFfmpegArgs(base), '-fps_mode')).toBe('passthrough');
  });

  it('runs decoding and the filters on one thread each (one ffmpeg per camera)', () => {
    const args = buildFfmpegArgs(base);
    expect(after(args, '-threads')).toBe('1');
    expect(after(args, '-filter_threads')).toBe('1');
  });

  it("auto transport, unresolved, is its first try (TCP), never ffmpeg's UDP-first default", () => {
    const args = buildFfmpegArgs({ ...base, transport: 'auto' });
    expect(after(args, '-rtsp_transport')).toBe('tcp');
    expect(after(args, '-timeout')).toBe('5000000');
  });

  it.each(['ftp://x', 'udp://127.0.0.1:5000', ''])('refuses unsupported URL %j', (url) => {
    expect(() => buildFfmpegArgs({ ...base, url })).toThrow(
      expect.objectContaining({ code: 'JH_ERR_CAMERA_SCHEME_UNSUPPORTED' }),
    );
  });

  it('refuses a bad size or rate', () => {
    expect(() => buildFfmpegArgs({ ...base, fps: 0 })).toThrow();
    expect(() => buildFfmpegArgs({ ...base, width: 1 })).toThrow();
  });
});

describe('classifyFfmpegFailure', () => {
  it.each([
    ['[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized', 'auth_failed'],
    ['method DESCRIBE failed: 404 Not Found', 'stream_not_found'],
    ['method DESCRIBE failed: 503 Service Unavailable', 'unavailable'],
    ['rtsp://127.0.0.1:1/x: Connection refused', 'connection_refused'],
    ['Connection timed out', 'timeout'],
    ['Failed to resolve hostname nosuch.invalid: Name or service not known', 'dns_failed'],
    ['Decoder (codec hevc) not found for input stream #0:0', 'unsupported_codec'],
    ["Stream map '0:v:0' matches no streams.", 'no_video'],
    ['/tmp/x.mp4: No such file or directory', 'not_found'],
  ])('%s → %s', (tail, reason) => {
    const r = classifyFfmpegFailure(tail, false);
    expect(r.reason).toBe(reason);
    expect(r.message).toMatch(/[\u4e00-\u9fff].* [A-Z]/); // Chinese first, English second
  });
  it('an opened stream that ends quietly is a lost connection', () => {
    expect(classifyFfmpegFailure('', true).reason).toBe('connection_lost');
    expect(classifyFfmpegFailure('', false).reason).toBe('connect_failed');
  });
});
