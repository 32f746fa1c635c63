import { connect, nkeyAuthenticator, nanos, type NatsConnection } from 'nats';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildHubMessage,
  HUB_STREAM,
  isRefusal,
  parseHubMessage,
} from '../../src/platform/events/hub-wire.ts';
import { OutboxRepo } from '../../src/platform/events/outbox.repo.ts';
import type { HubLink } from '../../src/platform/uplink/hub-link.ts';
import { boxConnectionOptions } from '../../src/platform/uplink/hub-link.ts';
import { startHubUplink } from '../../src/hub-uplink.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { TestNatsServer } from '../helpers/nats-server.ts';

/**
 * Issue #24, the box side: the outbox shipped over a real nats-server (JetStream) from a real SQLite
 * store, in chain order, with message ids; a hub outage grows the backlog and the box keeps working;
 * catch-up in order; a republish after a crash is dropped by JetStream's de-duplication.
 */
const BOX = 'box-a';
let nats: TestNatsServer;
let hub: NatsConnection;
let t: TestService;
let link: HubLink;

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const connectHub = () =>
  connect({ servers: nats.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(nats.hub.seed)) });

async function createStream() {
  const jsm = await hub.jetstreamManager();
  await jsm.streams.add({ name: HUB_STREAM, subjects: ['jianhu.ev.>'], duplicate_window: nanos(120_000) });
}

/** Every message in the stream, in stream order: its subject, msg id and the body's chain seq. */
async function streamContents() {
  const jsm = await hub.jetstreamManager();
  const info = await jsm.streams.info(HUB_STREAM);
  const out: { subject: string; msgId: string | undefined; seq: number; ok: boolean }[] = [];
  for (let s = info.state.first_seq; s <= info.state.last_seq && info.state.messages > 0; s++) {
    const m = await jsm.streams.getMessage(HUB_STREAM, { seq: s });
    const body = parseHubMessage(m.subject, new TextDecoder().decode(m.data));
    out.push({
      subject: m.subject,
      msgId: m.header.get('Nats-Msg-Id') || undefined,
      seq: isRefusal(body) ? -1 : body.entry.seq,
      ok: !isRefusal(body),
    });
  }
  return out;
}

const headSeq = () => new OutboxRepo(t.services.db).lastShippedSeq();
const chainHead = () =>
  (t.services.db.prepare('SELECT MAX(seq) AS s FROM audit_chain').get() as { s: number }).s;

function produce(n: number) {
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) t.services.bus.publish('config.applied', null, { sites: i, cameras: i });
    else t.services.bus.publish('user.loggedIn', 'ent-a', { userId: i, username: `u${i}` });
  }
}

beforeAll(async () => {
  nats = new TestNatsServer([{ boxId: BOX, enterprises: ['ent-a', 'ent-b'] }]);
  await nats.start();
});
afterAll(async () => nats?.close());

beforeEach(async () => {
  hub = await connectHub();
  const jsm = await hub.jetstreamManager();
  await jsm.streams.delete(HUB_STREAM).catch(() => false);
  t = await startTestService({
    extra: {
      hub: {
        servers: [nats.url],
        boxId: BOX,
        nkeySeedFile: nats.boxUsers.get(BOX)!.seedFile,
        batchSize: 7,
        maxInFlight: 3,
        publishTimeoutMs: 1000,
        retryStepsMs: [50, 100, 200],
      },
    },
  });
});
afterEach(async () => {
  await link?.stop();
  await hub?.close();
  await t?.close();
});

describe('the box ships its outbox to the hub over JetStream', () => {
  it('ships every committed event in chain order with its message id, and marks it shipped', async () => {
    await createStream();
    link = startHubUplink(t.services)!;
    produce(25);
    await until('backlog shipped', () => link.status().backlog === 0);
    const head = chainHead();
    expect(head).toBeGreaterThanOrEqual(25);
    const got = await streamContents();
    expect(got.map((m) => m.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(got.every((m) => m.ok)).toBe(true);
    expect(got.map((m) => m.msgId)).toEqual(got.map((m) => `${BOX}:${m.seq}`));
    expect(got.some((m) => m.subject.startsWith(`jianhu.ev.${BOX}.ent-a.user.loggedIn`))).toBe(true);
    expect(got.some((m) => m.subject === `jianhu.ev.${BOX}._.config.applied`)).toBe(true);
    expect(headSeq()).toBe(head);
    expect(link.status()).toMatchObject({ connected: true, lastShippedSeq: head, backlog: 0 });
  });

  it('keeps working and its backlog while the hub is down, then catches up in order, each seq once', async () => {
    await createStream();
    link = startHubUplink(t.services)!;
    produce(5);
    await until('first events shipped', () => link.status().backlog === 0);
    await nats.stop('SIGKILL');
    await until('link sees the outage', () => !link.status().connected);
    produce(40); // the box commits as before: the bus does not wait for the hub
    expect(link.status().backlog).toBe(40);
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.json().components.hub).toMatchObject({ ok: false });
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^jianhu_hub_backlog_events 40$/m);
    expect(metrics).toMatch(/^jianhu_hub_connected 0$/m);
    await nats.start();
    await hub.close(); // the test's hub client: a fresh connection rather than its own reconnect wait
    hub = await connectHub();
    await until('catch-up', () => link.status().backlog === 0, 30_000);
    const got = await streamContents();
    expect(got.map((m) => m.seq)).toEqual(Array.from({ length: chainHead() }, (_, i) => i + 1));
    expect(link.status().connected).toBe(true);
  });

  it('a republish after a crash between publish and marking is dropped by the stream, not doubled', async () => {
    await createStream();
    produce(12);
    // the crashed box: it published the first 8 rows, the acknowledgements never reached its store
    const rows = new OutboxRepo(t.services.db).unshippedChained(8);
    const cfg = t.config.hub!;
    const crashed = await connect(boxConnectionOptions(cfg, nats.boxUsers.get(BOX)!.seed));
    const js = crashed.jetstream();
    for (const r of rows) {
      const b = buildHubMessage(BOX, null, r.entry, r.payloadText);
      await js.publish(b.subject, new TextEncoder().encode(JSON.stringify(b.message)), { msgID: b.msgId });
    }
    await crashed.close();
    expect(new OutboxRepo(t.services.db).backlog()).toBeGreaterThanOrEqual(12);
    link = startHubUplink(t.services)!; // the restarted box publishes from its oldest unshipped row
    await until('backlog shipped', () => link.status().backlog === 0);
    expect(link.status().duplicates).toBe(8);
    const got = await streamContents();
    expect(got.map((m) => m.seq)).toEqual(Array.from({ length: chainHead() }, (_, i) => i + 1));
  });

  it('waits for the hub to create the stream, without stream-admin rights of its own', async () => {
    link = startHubUplink(t.services)!;
    produce(4);
    await until('a failed publish', () => link.status().failures > 0);
    expect(link.status().backlog).toBeGreaterThanOrEqual(4);
    await createStream();
    await until('shipped after the stream appeared', () => link.status().backlog === 0);
    expect((await streamContents()).map((m) => m.seq)).toEqual(
      Array.from({ length: chainHead() }, (_, i) => i + 1),
    );
  });
});
