import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoTransport } from '../../src/video/sources/rtsp-transport.ts';
import { startFullTestService } from '../helpers/test-service.ts';
import { startVlcCamera, type VlcCamera } from '../helpers/vlc-rtsp.ts';

/**
 * A camera that serves RTP over UDP only, by software we did not write: Debian's VLC answers 461 to a
 * TCP-interleaved SETUP. With `rtspTransport: auto` every client of the camera (ingest, the probe, the
 * live relay) opens it; forced to tcp, its health says why not and what to set.
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
});
