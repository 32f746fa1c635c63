import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFullTestService } from '../helpers/test-service.ts';

/**
 * The live push (socket.io) under the same rules as the API: no, forged or expired token → refused at
 * the handshake; each socket hears only the enterprises its user may see (same-region regulator yes,
 * other tenant and other region no); a socket whose session is signed out stops hearing (it kept
 * receiving every event before the fix in src/platform/realtime/realtime.ts).
 */
let t: Awaited<ReturnType<typeof startFullTestService>>;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await startFullTestService();
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

function connect(token: unknown): Promise<{ socket: Socket; error: string | null }> {
  const socket = io(t.service.url, { auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, error: null }));
    socket.once('connect_error', (e) => resolve({ socket, error: e.message }));
  });
}
const tokenOf = async (user: string) => (await t.login(user)).slice('Bearer '.length);

describe('socket.io handshake and rooms', () => {
  it('refuses no token, a forged token and an expired one', async () => {
    expect((await connect(undefined)).error).not.toBeNull();
    expect((await connect('x'.repeat(43))).error).not.toBeNull();
    expect((await connect({ $ne: null })).error).not.toBeNull();
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'welder-a', password: 'test-password-1' },
    });
    const token = (login.json() as { token: string }).token;
    t.service.services.db
      .prepare('UPDATE sessions SET expires_at = ? WHERE user_id = (SELECT id FROM users WHERE username = ?)')
      .run(new Date(Date.now() - 1000).toISOString(), 'welder-a');
    const expired = await connect(token);
    expect(expired.error).not.toBeNull();
    expect(expired.socket.connected).toBe(false);
  });

  it('each socket hears only the enterprises its user may see', async () => {
    const users = ['safety-a', 'regulator-z', 'safety-b', 'regulator-o'] as const;
    const heard: Record<string, number[]> = {};
    for (const u of users) {
      const { socket, error } = await connect(await tokenOf(u));
      expect(error, u).toBeNull();
      heard[u] = [];
      socket.on('hazard.registered', (e: { enterpriseId: string; payload: { hazardId: number } }) =>
        heard[u]!.push(e.payload.hazardId),
      );
    }
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/hazards',
      headers: { authorization: await t.login('safety-a') },
      payload: {
        enterpriseId: 'ent-a',
        source: 'inspection',
        stage: 'self_check',
        checker: '王工',
        description: '推送范围 push scope',
        hazardType: '测试',
      },
    });
    expect(res.statusCode).toBe(201);
    const id = (res.json() as { id: number }).id;
    const t0 = Date.now();
    while ((heard['safety-a']!.length === 0 || heard['regulator-z']!.length === 0) && Date.now() - t0 < 5000)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // a leak would arrive about as fast
    expect(heard).toEqual({ 'safety-a': [id], 'regulator-z': [id], 'safety-b': [], 'regulator-o': [] });
  });

  it('a socket whose session is signed out is dropped within 5 s and hears nothing more', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin-a', password: 'test-password-1' },
    });
    const token = (login.json() as { token: string }).token;
    const { socket, error } = await connect(token);
    expect(error).toBeNull();
    const got: unknown[] = [];
    socket.on('hazard.registered', (e) => got.push(e));
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(out.statusCode).toBeLessThan(300);
    const t0 = Date.now();
    while (socket.connected && Date.now() - t0 < 7000) await new Promise((r) => setTimeout(r, 100));
    expect(socket.connected).toBe(false);
    console.log(`signed-out socket dropped after ${Date.now() - t0} ms`);
    await t.app.inject({
      method: 'POST',
      url: '/api/hazards',
      headers: { authorization: await t.login('safety-a') },
      payload: {
        enterpriseId: 'ent-a',
        source: 'inspection',
        stage: 'self_check',
        checker: 'x',
        description: 'x',
        hazardType: 'x',
      },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(got).toEqual([]);
  });
});
