import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import { startFullTestService, TEST_PASSWORD } from '../helpers/test-service.ts';

/**
 * The browser video relay checks the session at the upgrade; a viewer whose session is signed out
 * afterwards must not keep watching (before the fix in src/video/live/live-relay.ts it did, until it closed).
 * Real RTSP camera (streams-sim), real relay ffmpeg, real WebSocket.
 */
let sim: Sim;
let t: Awaited<ReturnType<typeof startFullTestService>>;

beforeAll(async () => {
  sim = await startSim({ cameras: ['door'], port: 0 });
  t = await startFullTestService({
    extra: {
      evidence: { clips: false },
      sites: [
        {
          id: 'site-a',
          name: '甲',
          enterpriseId: 'ent-a',
          cameras: [{ id: 'door', name: '门', url: sim.url('door') }],
        },
        { id: 'site-b', name: '乙', enterpriseId: 'ent-b', cameras: [] },
      ],
    },
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

describe('live relay after sign-out', () => {
  it('closes a viewer within 5 s of its session being signed out', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'safety-a', password: TEST_PASSWORD },
    });
    const token = (login.json() as { token: string }).token;
    const ws = new WebSocket(`${t.service.url.replace('http', 'ws')}/live/door`, {
      headers: { authorization: `Bearer ${token}` },
    });
    let bytes = 0;
    ws.on('message', (d: Buffer) => (bytes += d.length));
    const closed = new Promise<{ code: number; at: number }>((r) =>
      ws.once('close', (code) => r({ code, at: Date.now() })),
    );
    const t0 = Date.now();
    while (bytes === 0 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 100));
    expect(bytes).toBeGreaterThan(0); // watching
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(out.statusCode).toBeLessThan(300);
    const signedOut = Date.now();
    const c = await Promise.race([closed, new Promise<null>((r) => setTimeout(() => r(null), 8000))]);
    expect(c, 'viewer still open 8 s after sign-out').not.toBeNull();
    expect(c!.code).toBe(4401);
    console.log(`viewer closed ${c!.at - signedOut} ms after sign-out`);
  });
});
