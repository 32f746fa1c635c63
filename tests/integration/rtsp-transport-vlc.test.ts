import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoTransport } from '../../src/video/sources/rtsp-transport.ts';
import { systemClock } from '../../src/platform/shared/clock.ts';
import { CameraRecorder, type CloseReason } from '../../src/video/recording/camera-recorder.ts';
import type { ClosedSegment } from '../../src/video/recording/segment-file.ts';
import type { Fmp4Fragment } from '../../src/video/relay/types.ts';
import { startFullTestService } from '../helpers/test-service.ts';
import { startVlcCamera, type VlcCamera } from '../helpers/vlc-rtsp.ts';

/**
 * A camera that serves RTP over UDP only, by software we did not write: Debian's VLC answers 461 to a
 * TCP-interleaved SETUP. With `rtspTransport: auto` every client of the camera (ingest, the probe, the
 * live relay, the fMP4 relay that feeds MSE viewers and the recorder) opens it; forced to tcp, its health says why not and what to set.
 */
let vlc: VlcCamera;
let t: Awaited<ReturnType<typeof startFullTestService>>;

beforeAll(async () => {
  vlc = await startVlcCamera('x');
  if (!vlc.port) return;
  const cam = (id: string, rtspTransport: string) => ({ id, name: id, url: vlc.url, rtspTransport });
  t = await startFullTestService({
    extra: {
      evidence: { clips: false },
      sites: [
        {
          id: 'site-a',
          name: '甲',
          enterpriseId: 'ent-a',
          cameras: [cam('vlc-auto', 'auto'), cam('vlc-tcp', 'tcp')],
        },
        { id: 'site-b', name: '乙', enterpriseId: 'ent-b', cameras: [] },
      ],
    },
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  vlc?.stop();
});

async function health(id: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: '/api/cameras',
    headers: { authorization: await t.login('safety-a') },
  });
  return (
    res.json() as { cameras: { id: string; state: string; reason: string; message: string }[] }
  ).cameras.find((c) => c.id === id)!;
}

async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const t0 = Date.now();
  let v = await get();
  while (!ok(v) && Date.now() - t0 < ms) {
    await new Promise((r) => setTimeout(r, 200));
    v = await get();
  }
  return v;
}

describe('a UDP-only RTSP server (VLC)', () => {
  it('is online in ingest with rtspTransport auto, over UDP', async (ctx) => {
    if (!vlc.port) return ctx.skip();
    const h = await until(
      () => health('vlc-auto'),
      (c) => c.state === 'online',
      20_000,
    );
    expect(h.state).toBe('online');
    expect(autoTransport.remembered(vlc.url)).toBe('udp');
  });

  it('forced to tcp, is offline with transport_unsupported and the advice in words', async (ctx) => {
    if (!vlc.port) return ctx.skip();
    const h = await until(
      () => health('vlc-tcp'),
      (c) => c.reason === 'transport_unsupported',
      20_000,
    );
    expect(h.state).toBe('offline');
    expect(h.reason).toBe('transport_unsupported');
    expect(h.message).toMatch(/rtspTransport 设为 auto 或 udp/);
    expect(h.message).toMatch(/set this camera’s rtspTransport to auto or udp/);
  });

  it('is probed: codec, size and GOP, over UDP', async (ctx) => {
    if (!vlc.port) return ctx.skip();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/live/probe',
      headers: { authorization: await t.login('admin-a') },
      payload: { cameraId: 'vlc-auto' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      ok: true,
      codec: 'h264',
      width: 320,
      height: 240,
      gopSeconds: 2,
      transport: 'udp',
    });
    const tcp = await t.app.inject({
      method: 'POST',
      url: '/api/live/probe',
      headers: { authorization: await t.login('admin-a') },
      payload: { cameraId: 'vlc-tcp' },
    });
    expect(tcp.json()).toMatchObject({ ok: false, reason: 'transport_unsupported' });
  });

  it('is live: the relay sends the browser video', async (ctx) => {
    if (!vlc.port) return ctx.skip();
    const token = (await t.login('safety-a')).slice('Bearer '.length);
    const ws = new WebSocket(`${t.service.url.replace('http', 'ws')}/live/vlc-auto`, {
      headers: { authorization: `Bearer ${token}` },
    });
    let bytes = 0;
    let first: Buffer | null = null;
    ws.on('message', (d: Buffer) => {
      first ??= d;
      bytes += d.length;
    });
    const t0 = Date.now();
    while (bytes < 20_000 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 100));
    ws.close();
    expect(bytes).toBeGreaterThan(20_000);
    // the relay's MPEG-TS: 188-byte packets, each starting with the sync byte
    expect(first![0]).toBe(0x47);
  });

  it('is relayed as fMP4 (the MSE live path): the init and a keyframe fragment, H.264 as served', async (ctx) => {
    if (!vlc.port) return ctx.skip();
    let init: Buffer | null = null;
    let codec = '';
    const frags: Fmp4Fragment[] = [];
    const off = t.service.services.video.relay.subscribe(
      'vlc-auto',
      {
        onInit: (i, c) => {
          init = i;
          codec = c;
        },
        onFragment: (f) => void frags.push(f),
      },
      { fromKeyframe: true },
    );
    const t0 = Date.now();
    while (!frags.some((f) => f.keyframe) && Date.now() - t0 < 25_000)
      await new Promise((r) => setTimeout(r, 100));
    off();
    expect(init).not.toBeNull();
    expect(init!.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(init!.includes(Buffer.from('moov'))).toBe(true);
    expect(codec).toMatch(/^avc1\.[0-9A-F]{6}$/i);
    expect(frags[0]!.keyframe).toBe(true); // a viewer (or a segment) starts at a picture it can decode
    expect(frags[0]!.data.subarray(4, 8).toString('latin1')).toBe('moof');
  }, 30_000);

  it('is recorded: a recorder on that relay closes a short segment, a playable MP4 with its sha256', async (ctx) => {
    if (!vlc.port) return ctx.skip();
    const closed: { seg: ClosedSegment; by: CloseReason }[] = [];
    const errors: unknown[] = [];
    const recorder = new CameraRecorder(
      'vlc-auto',
      t.service.services.video.relay,
      {
        segmentClosed: (_c, seg, by) => void closed.push({ seg, by }),
        gap: () => {},
        error: (_c, e) => void errors.push(e),
      },
      systemClock,
      // the smallest segment the config allows; VLC's stream has a 2 s GOP, so it closes at ~4 s
      {
        dir: join(t.dir, 'vlc-recording'),
        segmentSeconds: 4,
        preRollSeconds: 0,
        stallMs: 20_000,
        minGapMs: 3_000,
      },
    );
    recorder.start();
    const t0 = Date.now();
    while (closed.length === 0 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 200));
    recorder.dispose();
    expect(errors).toEqual([]);
    expect(closed[0]?.by).toBe('length');
    const seg = closed[0]!.seg;
    expect(seg.endedAt - seg.startedAt).toBeGreaterThanOrEqual(3_500);
    const bytes = readFileSync(seg.file);
    expect(seg.bytes).toBe(bytes.length);
    expect(seg.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const probe = execFileSync('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-count_frames',
      '-show_entries',
      'stream=codec_name,width,height,nb_read_frames',
      '-of',
      'json',
      seg.file,
    ]).toString();
    const stream = (JSON.parse(probe) as { streams: Record<string, unknown>[] }).streams[0]!;
    expect(stream).toMatchObject({ codec_name: 'h264', width: 320, height: 240 });
    expect(Number(stream['nb_read_frames'])).toBeGreaterThanOrEqual(30); // seconds of pictures (10 fps), not one
  }, 40_000);
});
