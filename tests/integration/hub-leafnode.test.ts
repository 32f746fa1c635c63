import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, nanos, nkeyAuthenticator, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEntry } from '../../src/platform/events/chain.ts';
import { buildHubMessage, HUB_STREAM } from '../../src/platform/events/hub-wire.ts';
import type { HubLink } from '../../src/platform/uplink/hub-link.ts';
import { startHubUplink } from '../../src/hub-uplink.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { freePort, TestNatsServer } from '../helpers/nats-server.ts';

/**
 * Issue #24, the production shape: the box runs its own nats-server as a leaf of the hub's; the
 * box service talks to its local server only. Its leaf connection is bound to the box's account at
 * the hub, which reaches the stream through its own subjects only: a forged subject goes nowhere.
 */
const BOX = 'box-l';
let nats: TestNatsServer;
let hub: NatsConnection;
let t: TestService;
let link: HubLink;
let localUrl: string;

const encoder = new TextEncoder();
const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const streamMessages = async () =>
  (await (await hub.jetstreamManager()).streams.info(HUB_STREAM)).state.messages;

beforeAll(async () => {
  nats = new TestNatsServer([{ boxId: BOX, enterprises: ['ent-a'] }], { leaf: true });
  await nats.start();
  hub = await connect({ servers: nats.url, authenticator: nkeyAuthenticator(encoder.encode(nats.hub.seed)) });
  await (
    await hub.jetstreamManager()
  ).streams.add({ name: HUB_STREAM, subjects: ['jianhu.ev.>'], duplicate_window: nanos(120_000) });
  // the box's own nats-server: its service signs in with the box's nkey; the leaf remote with the
  // box's leaf password (README, "Leaf node")
  const port = await freePort();
  localUrl = `nats://127.0.0.1:${port}`;
  const box = nats.boxUsers.get(BOX)!;
  const conf = join(nats.dir, 'box-leaf.conf');
  writeFileSync(
    conf,
    [
      `listen: "127.0.0.1:${port}"`,
      `authorization { users: [ { nkey: "${box.publicKey}" } ] }`,
      'leafnodes { remotes: [ {',
      `  url: "nats-leaf://${BOX}:${nats.leafPasswords.get(BOX)}@127.0.0.1:${nats.leafPort}"`,
      '} ] }',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  await nats.startOther(conf);
  t = await startTestService({
    extra: {
      hub: { servers: [localUrl], boxId: BOX, nkeySeedFile: box.seedFile, retryStepsMs: [100, 200, 500] },
    },
  });
  link = startHubUplink(t.services)!;
});
afterAll(async () => {
  await link?.stop();
  await t?.close();
  await hub?.close();
  await nats?.close();
});

describe('a box whose nats-server is a leaf of the hub’s', () => {
  it('ships its events through the leaf into the hub’s stream', async () => {
    for (let i = 0; i < 10; i++)
      t.services.bus.publish('user.loggedIn', 'ent-a', { userId: i, username: `u${i}` });
    await until('shipped through the leaf', () => link.status().backlog === 0);
    const seqs = (t.services.db.prepare('SELECT COUNT(*) AS n FROM audit_chain').get() as { n: number }).n;
    expect(await streamMessages()).toBe(seqs);
  });

  it('cannot publish another enterprise’s or box’s subject through its leaf', async () => {
    const before = await streamMessages();
    const local = await connect({
      servers: localUrl,
      authenticator: nkeyAuthenticator(encoder.encode(nats.boxUsers.get(BOX)!.seed)),
    });
    for (const [boxId, ent] of [
      [BOX, 'ent-b'],
      ['box-other', 'ent-a'],
    ] as const) {
      const payloadText = '{}';
      const entry = nextEntry(undefined, {
        outboxId: 1,
        type: 'permit.started',
        enterpriseId: ent,
        occurredAt: '2026-12-07T00:00:00.000Z',
        payloadText,
      });
      const forged = buildHubMessage(boxId, null, entry, payloadText);
      await expect(
        local
          .jetstream()
          .publish(forged.subject, encoder.encode(JSON.stringify(forged.message)), { timeout: 1000 }),
      ).rejects.toThrow();
    }
    await local.close();
    expect(await streamMessages()).toBe(before);
  });

  it('answers the hub’s evidence request through the leaf', async () => {
    const r = await hub.request(`jianhu.rpc.${BOX}.evidence`, encoder.encode('{"violationId":424242}'), {
      timeout: 5000,
    });
    expect(JSON.parse(new TextDecoder().decode(r.data))).toMatchObject({ ok: false, code: 'not_found' });
  });
});
