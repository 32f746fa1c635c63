import { connect, nanos, nkeyAuthenticator } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_STREAM } from '../../src/platform/events/hub-wire.ts';
import { startFullTestService } from '../helpers/test-service.ts';
import { TestNatsServer } from '../helpers/nats-server.ts';

/** Issue #24 through the composition root: `jianhu serve` with a hub: section joins the hub. */
let nats: TestNatsServer;

beforeAll(async () => {
  nats = new TestNatsServer([{ boxId: 'box-s', enterprises: ['ent-a', 'ent-b', 'ent-c'] }]);
  await nats.start();
  const hub = await connect({
    servers: nats.url,
    authenticator: nkeyAuthenticator(new TextEncoder().encode(nats.hub.seed)),
  });
  await (
    await hub.jetstreamManager()
  ).streams.add({ name: HUB_STREAM, subjects: ['jianhu.ev.>'], duplicate_window: nanos(120_000) });
  await hub.close();
});
afterAll(async () => nats?.close());

describe('jianhu serve with hub:', () => {
  it('ships the service’s events and reports the link on /healthz and /metrics', async () => {
    const svc = await startFullTestService({
      extra: {
        hub: { servers: [nats.url], boxId: 'box-s', nkeySeedFile: nats.boxUsers.get('box-s')!.seedFile },
      },
    });
    try {
      await svc.login('safety-a'); // a user.loggedIn event
      let health: { ok: boolean; detail?: string } | undefined;
      const end = Date.now() + 20_000;
      do {
        await new Promise((r) => setTimeout(r, 100));
        health = (await svc.app.inject({ method: 'GET', url: '/healthz' })).json().components.hub;
      } while (!(health?.ok && health.detail?.includes('backlog 0')) && Date.now() < end);
      expect(health).toMatchObject({ ok: true });
      expect(health!.detail).toContain('backlog 0');
      const metrics = (await svc.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/^jianhu_hub_connected 1$/m);
      expect(metrics).toMatch(/^jianhu_hub_backlog_events 0$/m);
    } finally {
      await svc.close();
    }
  });

  it('does not start without a readable nkey seed (JH_ERR_HUB_NKEY_SEED)', async () => {
    await expect(
      startFullTestService({
        extra: { hub: { servers: [nats.url], boxId: 'box-s', nkeySeedFile: '/nonexistent/box.nk' } },
      }),
    ).rejects.toMatchObject({ code: 'JH_ERR_HUB_NKEY_SEED' });
  });
});
