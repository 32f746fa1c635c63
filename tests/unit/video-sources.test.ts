import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfigText } from '../../src/config/load.ts';
import {
  handledSchemes,
  inputArgs,
  registerSourceType,
  schemeOf,
  sourceTypeFor,
} from '../../src/video/sources/registry.ts';
import { cameraSource } from '../../src/video/sources/camera-source.ts';
import type { CameraSource, SourcePurpose, SourceType } from '../../src/video/sources/types.ts';

const RTSP = 'rtsp://cam.local:554/sub';
const TCP = ['-rtsp_transport', 'tcp', '-timeout', '5000000'];
const LOOP = ['-re', '-stream_loop', '-1'];
const WALLCLOCK = ['-use_wallclock_as_timestamps', '1'];
const NOBUFFER = ['-fflags', 'nobuffer'];

describe('inputArgs(source, purpose)', () => {
  it.each<[string, CameraSource, SourcePurpose, string[]]>([
    // rtsp: the transport and the socket timeout for every purpose, plus what the purpose asks
    ['rtsp ingest', { url: RTSP }, 'ingest', [...TCP, ...WALLCLOCK, '-i', RTSP]],
    ['rtsp live', { url: RTSP }, 'live', [...TCP, ...NOBUFFER, '-i', RTSP]],
    ['rtsp probe', { url: RTSP }, 'probe', [...TCP, '-i', RTSP]],
    ['rtsp evidence', { url: RTSP }, 'evidence', [...TCP, '-i', RTSP]],
    [
      'rtsp udp, 2.5 s',
      { url: RTSP, rtspTransport: 'udp', timeoutMs: 2500 },
      'evidence',
      ['-rtsp_transport', 'udp', '-timeout', '2500000', '-i', RTSP],
    ],
    [
      'rtsp auto, unresolved: its first try, TCP',
      { url: RTSP, rtspTransport: 'auto' },
      'probe',
      [...TCP, '-i', RTSP],
    ],
    [
      'rtsps (TLS) is rtsp',
      { url: 'RTSPS://cam/1', rtspTransport: 'udp' },
      'live',
      ['-rtsp_transport', 'udp', '-timeout', '5000000', ...NOBUFFER, '-i', 'RTSPS://cam/1'],
    ],
    // http(s) MJPEG: rw_timeout, never -rtsp_transport, never looped
    [
      'http ingest',
      { url: 'http://cam/mjpeg', rtspTransport: 'udp' },
      'ingest',
      ['-rw_timeout', '5000000', ...WALLCLOCK, '-i', 'http://cam/mjpeg'],
    ],
    [
      'https evidence',
      { url: 'https://cam/mjpeg', timeoutMs: 1000 },
      'evidence',
      ['-rw_timeout', '1000000', '-i', 'https://cam/mjpeg'],
    ],
    // files: real time and looped, with their own timestamps; a probe opens them once
    ['file:/// ingest', { url: 'file:///clips/a.mp4' }, 'ingest', [...LOOP, '-i', '/clips/a.mp4']],
    [
      'file: live',
      { url: 'file:/clips/a.mp4', rtspTransport: 'udp' },
      'live',
      [...LOOP, '-i', '/clips/a.mp4'],
    ],
    ['bare path evidence', { url: '/clips/a.mp4' }, 'evidence', [...LOOP, '-i', '/clips/a.mp4']],
    ['relative path probe', { url: 'clips/a.mp4' }, 'probe', ['-i', 'clips/a.mp4']],
  ])('%s', (_name, source, purpose, args) => {
    expect(inputArgs(source, purpose)).toEqual(args);
  });

  it.each(['ftp://cam/x', 'udp://127.0.0.1:5000', 'srt://cam:9000', '', '  '])(
    'refuses %j with a coded error naming the scheme only',
    (url) => {
      expect(() => inputArgs({ url }, 'ingest')).toThrow(
        expect.objectContaining({ code: 'JH_ERR_CAMERA_SCHEME_UNSUPPORTED', status: 400 }),
      );
    },
  );

  it.each([
    ['RTSP://x', 'rtsp'],
    ['file:a.mp4', 'file'],
    ['/a.mp4', ''],
    ['a.mp4', ''],
  ])('schemeOf(%s) = %j', (url, scheme) => expect(schemeOf(url)).toBe(scheme));

  it('registers rtsp, rtsps, http, https and file (with bare paths)', () => {
    expect(handledSchemes()).toEqual(['', 'file', 'http', 'https', 'rtsp', 'rtsps']);
    expect(sourceTypeFor('rtsps://x')?.id).toBe('rtsp');
  });
});

describe("a configured camera's source", () => {
  const defaults = { rtspTransport: 'tcp' as const, timeoutMs: 4000 };
  it.each([
    [{ url: 'rtsp://a/1' }, 'detect', { url: 'rtsp://a/1', rtspTransport: 'tcp', timeoutMs: 4000 }],
    [{ url: 'rtsp://a/1', rtspTransport: 'auto' as const }, 'detect', { rtspTransport: 'auto' }],
    [{ url: 'rtsp://a/sub', recordUrl: 'rtsp://a/main' }, 'record', { url: 'rtsp://a/main' }],
    [{ url: 'rtsp://a/sub' }, 'record', { url: 'rtsp://a/sub' }],
  ] as const)('%j %s', (camera, stream, expected) => {
    expect(cameraSource(camera, defaults, stream)).toMatchObject(expected);
  });
});

describe('a new source type is one descriptor plus its registration', () => {
  // what a new file under src/video/sources/ would export (an SRT camera, say)
  const fakeSource: SourceType = {
    id: 'fake',
    schemes: ['fake'],
    zh: '测试用视频源',
    en: 'test source',
    loops: false,
    options: (source, purpose) => ['-fake_latency', purpose === 'live' ? '0' : String(source.timeoutMs ?? 1)],
    target: (url) => url.replace(/^fake:/, 'tcp:'),
  };
  let unregister: (() => void) | null = null;
  afterEach(() => {
    unregister?.();
    unregister = null;
  });

  const configWith = (url: string) => `
regions: [{ id: r1, name: 县 }]
enterprises: [{ id: e1, name: 企业, regionId: r1 }]
sites:
  - id: s1
    name: 车间
    enterpriseId: e1
    cameras: [{ id: c1, name: 一号, url: "${url}" }]
`;
  const issuesOf = (text: string) => {
    try {
      loadConfigText(text);
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return e.issues;
      throw e;
    }
  };

  it('config check refuses the scheme before it is registered, with a coded message in zh and en', () => {
    const issues = issuesOf(configWith('fake://admin:hunter2@cam/1'));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('sites[0].cameras[0].url');
    expect(issues[0]!.message).toMatch(
      /^JH_ERR_CAMERA_SCHEME_UNSUPPORTED: .*[\u4e00-\u9fff].*No camera source/,
    );
    expect(issues[0]!.message).toContain('"fake"');
    expect(issues[0]!.message).not.toContain('hunter2'); // the scheme is named, never the URL
    expect(() => inputArgs({ url: 'fake://cam/1' }, 'probe')).toThrow(/No camera source type/);
  });

  it('once registered, inputArgs drives it for every purpose and config check accepts it', () => {
    unregister = registerSourceType(fakeSource);
    expect(inputArgs({ url: 'fake://cam/1', timeoutMs: 7 }, 'ingest')).toEqual([
      '-fake_latency',
      '7',
      ...WALLCLOCK, // a live source: the registry's purpose rules apply to it too
      '-i',
      'tcp://cam/1',
    ]);
    expect(inputArgs({ url: 'fake://cam/1' }, 'live')).toEqual([
      '-fake_latency',
      '0',
      ...NOBUFFER,
      '-i',
      'tcp://cam/1',
    ]);
    expect(issuesOf(configWith('fake://cam/1'))).toEqual([]);
    expect(handledSchemes()).toContain('fake');
  });

  it('a scheme already taken cannot be registered twice; unregistering gives it back', () => {
    unregister = registerSourceType(fakeSource);
    expect(() => registerSourceType({ ...fakeSource, id: 'fake2' })).toThrow(/already fake's/);
    unregister();
    unregister = null;
    expect(sourceTypeFor('fake://cam/1')).toBeUndefined();
  });
});
