import { describe, expect, it } from 'vitest';
import { fmp4RelayArgs } from './fmp4-args.ts';
import { fmp4CameraIdFromPath } from './mse-viewer.ts';

const before = (args: string[], flag: string) => args.indexOf(flag) < args.indexOf('-i');

describe('fmp4RelayArgs', () => {
  it('opens the camera with its own transport, before -i, like every other reader', () => {
    const udp = fmp4RelayArgs({ url: 'rtsp://cam/main', rtspTransport: 'udp' });
    expect(udp[udp.indexOf('-rtsp_transport') + 1]).toBe('udp');
    expect(before(udp, '-rtsp_transport')).toBe(true);
    const tcp = fmp4RelayArgs({ url: 'rtsp://cam/main' });
    expect(tcp[tcp.indexOf('-rtsp_transport') + 1]).toBe('tcp');
    // `auto` not yet resolved for this camera: TCP first (sources/rtsp-transport.ts falls back to UDP)
    const auto = fmp4RelayArgs({ url: 'rtsp://cam/main', rtspTransport: 'auto' });
    expect(auto[auto.indexOf('-rtsp_transport') + 1]).toBe('tcp');
    // a whole long GOP may pass before a server sends anything: never under 12 s
    expect(tcp[tcp.indexOf('-timeout') + 1]).toBe('12000000');
    const slow = fmp4RelayArgs({ url: 'rtsp://cam/main', timeoutMs: 20_000 });
    expect(slow[slow.indexOf('-timeout') + 1]).toBe('20000000');
    const file = fmp4RelayArgs({ url: '/clips/a.mp4' });
    expect(file.slice(file.indexOf('-re'), file.indexOf('-re') + 3)).toEqual(['-re', '-stream_loop', '-1']);
  });

  it('copies the video as is into fragmented MP4 with short fragments, no audio, to stdout', () => {
    const a = fmp4RelayArgs({ url: 'rtsp://cam/main' }, 250);
    const after = a.slice(a.indexOf('-i') + 2);
    expect(after).toEqual([
      '-map',
      '0:v:0',
      '-an',
      '-c:v',
      'copy',
      '-f',
      'mp4',
      '-movflags',
      'frag_keyframe+empty_moov+default_base_moof',
      '-frag_duration',
      '250000',
      'pipe:1',
    ]);
    expect(a).not.toContain('libx264');
    expect(a).not.toContain('mpeg1video');
  });
});

describe('fmp4CameraIdFromPath', () => {
  it('takes /live/<id>/fmp4 only', () => {
    expect(fmp4CameraIdFromPath('/live/cam-1/fmp4')).toBe('cam-1');
    expect(fmp4CameraIdFromPath('/live/cam1/fmp4?x=1')).toBe('cam1');
    expect(fmp4CameraIdFromPath('/live/cam1')).toBeNull();
    expect(fmp4CameraIdFromPath('/live/../fmp4')).toBeNull();
    expect(fmp4CameraIdFromPath('/live/cam1/fmp4/x')).toBeNull();
    expect(fmp4CameraIdFromPath(undefined)).toBeNull();
  });
});
