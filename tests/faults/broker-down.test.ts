import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFullTestService } from '../helpers/test-service.ts';
import { waitFor } from '../integration/ingest-helpers.ts';
import { freePort } from './service-process.ts';

/**
 * An external MQTT broker (aedes on its own port, as a plant's broker would be) goes away under the
 * running service and comes back on the same port: /healthz says so (503, mqtt not ok) while it is gone,
 * the HTTP API keeps working (scans, permits, telemetry over HTTP), and after it returns the service
 * reconnects, resubscribes and judges chip reports from MQTT again.
 */
let t: Awaited<ReturnType<typeof startFullTestService>>;
let port = 0;
const BROKER_PW = 'Br0kerSecret9';
let broker: { server: Server; aedes: Aedes; sockets: Set<Socket> } | null = null;

async function startBroker(): Promise<NonNullable<typeof broker>> {
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    aedes.handle(s);
  });
  await new Promise<void>((r, j) => server.once('error', j).listen(port, '127.0.0.1', () => r()));
  return { server, aedes, sockets };
}
async function stopBroker(): Promise<void> {
  if (!broker) return;
  const b = broker;
  broker = null;
  for (const s of b.sockets) s.destroy();
  await new Promise<void>((r) => b.server.close(() => r()));
  await new Promise<void>((r) => b.aedes.close(() => r()));
}

beforeAll(async () => {
  port = await freePort();
  broker = await startBroker();
  // credentials in the URL, as a plant broker would want: they must never show on the public /healthz
  t = await startFullTestService({
    extra: { mqtt: { embedded: false, url: `mqtt://jianhu:${BROKER_PW}@127.0.0.1:${port}` } },
  });
  const m = await t.app.inject({
    method: 'POST',
    url: '/api/machines',
    headers: { authorization: await t.login('admin-a') },
    payload: { id: 'M1', name: 'M1', siteId: 'site-a', lat: 35.49, lon: 112.85 },
  });
  expect(m.statusCode).toBe(201);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await stopBroker();
});

const health = async () => {
  const res = await t.app.inject({ url: '/healthz' });
  expect(res.body).not.toContain(BROKER_PW);
  return {
    status: res.statusCode,
    mqtt: (res.json() as { components: Record<string, { ok: boolean }> }).components.mqtt,
  };
};
const telemetryRows = (via: string) =>
  (
    t.service.services.db
      .prepare("SELECT COUNT(*) AS n FROM machine_telemetry WHERE machine_id = 'M1' AND via = ?")
      .get(via) as { n: number }
  ).n;

async function chipReport(powered: boolean): Promise<void> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`);
  await c.publishAsync(
    'jianhu/site-a/machines/M1/telemetry',
    JSON.stringify({ powered, currentA: powered ? 120 : 0 }),
    {
      qos: 1,
    },
  );
  await c.endAsync();
}

describe('external MQTT broker down and back', () => {
  it('is healthy with the broker, and judges chip reports', async () => {
    expect(await health()).toMatchObject({ status: 200, mqtt: { ok: true } });
    const before = telemetryRows('mqtt');
    await chipReport(true);
    await waitFor(
      () => telemetryRows('mqtt') > before,
      5000,
      () => 'chip report not stored',
    );
  });

  it('broker gone: /healthz 503 with mqtt not ok; the HTTP API still works', async () => {
    await stopBroker();
    await waitFor(
      () => !t.service.services.mqtt!.connected(),
      5000,
      () => 'still connected',
    );
    expect(await health()).toMatchObject({ status: 503, mqtt: { ok: false } });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/machines/M1/telemetry',
      headers: { authorization: await t.login('admin-a') },
      payload: { powered: false, currentA: 0 },
    });
    expect(res.statusCode).toBe(200);
    const permits = await t.app.inject({
      url: '/api/permits',
      headers: { authorization: await t.login('safety-a') },
    });
    expect(permits.statusCode).toBe(200);
  });

  it('broker back on the same port: reconnects, resubscribes, chip reports judged again', async () => {
    broker = await startBroker();
    const ms = await waitFor(
      () => t.service.services.mqtt!.connected(),
      10_000,
      () => 'not reconnected',
    );
    console.log(`reconnected ${ms} ms after the broker came back`);
    expect(await health()).toMatchObject({ status: 200, mqtt: { ok: true } });
    const before = telemetryRows('mqtt');
    // the first report may beat the resubscription; a chip repeats its report, so does this
    const t0 = Date.now();
    while (telemetryRows('mqtt') === before) {
      if (Date.now() - t0 > 8000)
        throw new Error('chip reports over MQTT are not judged after the reconnect');
      await chipReport(true);
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  it('a broker down when the service starts: it starts anyway (HTTP, permits), alarms, connects later', async () => {
    const p2 = await freePort();
    const started = Date.now();
    const t2 = await startFullTestService({
      extra: { mqtt: { embedded: false, url: `mqtt://127.0.0.1:${p2}` } },
    });
    try {
      console.log(`started without its broker in ${Date.now() - started} ms`);
      const h = await t2.app.inject({ url: '/healthz' });
      expect(h.statusCode).toBe(503);
      expect((h.json() as { components: Record<string, { ok: boolean }> }).components.mqtt!.ok).toBe(false);
      const me = await t2.app.inject({
        url: '/api/permits',
        headers: { authorization: await t2.login('safety-a') },
      });
      expect(me.statusCode).toBe(200);
      const m = await t2.app.inject({
        method: 'POST',
        url: '/api/machines',
        headers: { authorization: await t2.login('admin-a') },
        payload: { id: 'M1', name: 'M1', siteId: 'site-a', lat: 35.49, lon: 112.85 },
      });
      expect(m.statusCode).toBe(201);
      const savedPort = port;
      port = p2;
      const late = await startBroker();
      try {
        await waitFor(
          () => t2.service.services.mqtt!.connected(),
          10_000,
          () => 'never connected',
        );
        expect((await t2.app.inject({ url: '/healthz' })).statusCode).toBe(200);
        // the subscriptions made while it was down took effect: chip reports are judged
        const rows = () =>
          (
            t2.service.services.db
              .prepare("SELECT COUNT(*) AS n FROM machine_telemetry WHERE via = 'mqtt'")
              .get() as { n: number }
          ).n;
        const t0 = Date.now();
        while (rows() === 0) {
          if (Date.now() - t0 > 8000) throw new Error('no chip report judged after the late connection');
          await chipReport(true);
          await new Promise((r) => setTimeout(r, 300));
        }
      } finally {
        for (const s of late.sockets) s.destroy();
        await new Promise<void>((r) => late.server.close(() => r()));
        await new Promise<void>((r) => late.aedes.close(() => r()));
        port = savedPort;
      }
    } finally {
      await t2.close();
    }
  });
});
