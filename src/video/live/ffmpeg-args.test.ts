import { describe, expect, it } from 'vitest';
import { cameraIdFromPath, DEFAULT_LIVE_ENCODE, liveFfmpegArgs, respawnDelayMs } from './ffmpeg-args.ts';

const before = (args: string[], flag: string) =>
  args.indexOf(flag) >= 0 && args.indexOf(flag) < args.indexOf('-i');

describe('liveFfmpegArgs', () => {
  it.each([
    ['rtsp://cam/1', ['-rtsp_transport', '-timeout', '-fflags'], ['-re', '-stream_loop']],
    ['http://cam/stream.ts', ['-rw_timeout', '-fflags'], ['-re', '-rtsp_transport']],
    ['/clips/demo.mp4', ['-re', '-stream_loop'], ['-rtsp_transport', '-fflags']],
  ])('%s: input options go before -i', (url, present, absent) => {
    const args = liveFfmpegArgs({ url });
    for (const f of present) expect(before(args, f), f).toBe(true);
    for (const f of absent) expect(args.includes(f), f).toBe(false);
    expect(args[args.indexOf('-i') + 1]).toBe(url);
  });

  it.each([
    ['tcp', 'tcp'],
    ['udp', 'udp'],
    ['auto', 'tcp'],
  ] as const)("honours the camera's rtspTransport %s", (rtspTransport, flag) => {
    const args = liveFfmpegArgs({ url: 'rtsp://cam/1', rtspTransport });
    expect(args.includes('-rtsp_transport') ? args[args.indexOf('-rtsp_transport') + 1] : undefined).toBe(
      flag,
    );
  });

  it('encodes MPEG-1 in MPEG-TS to stdout, no audio, no B-frames, one GOP per second', () => {
    const args = liveFfmpegArgs(
      { url: 'rtsp://cam/1' },
      { ...DEFAULT_LIVE_ENCODE, fps: 20, bitrateKbps: 800 },
    );
    const after = (f: string) => args[args.indexOf(f) + 1];
    expect(after('-c:v')).toBe('mpeg1video');
    expect(after('-f')).toBe('mpegts');
    expect(after('-bf')).toBe('0');
    expect(after('-g')).toBe('20');
    expect(after('-b:v')).toBe('800k');
    expect(args).toContain('-an');
    expect(args.at(-1)).toBe('pipe:1');
    expect(after('-timeout')).toBe(String(DEFAULT_LIVE_ENCODE.ioTimeoutMs * 1000));
  });
});

describe('respawnDelayMs', () => {
  it('steps 1 s ×5, 5 s, 10 s, then 60 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map(respawnDelayMs)).toEqual([
      1000, 1000, 1000, 1000, 1000, 5000, 10_000, 60_000, 60_000,
    ]);
  });
});

describe('cameraIdFromPath', () => {
  it.each([
    ['/live/cam1', 'cam1'],
    ['/live/cam_2-b?x=1', 'cam_2-b'],
    ['/live/', null],
    ['/live/../etc', null],
    ['/live/a/b', null],
    ['/socket.io/?EIO=4&transport=websocket', null],
    [undefined, null],
  ])('%s → %s', (url, id) => expect(cameraIdFromPath(url)).toBe(id));
});
