import { connect, nanos, nkeyAuthenticator, type NatsConnection, type Status } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEntry } from '../../src/platform/events/chain.ts';
import { buildHubMessage, HUB_STREAM } from '../../src/platform/events/hub-wire.ts';
import { boxConnectionOptions } from '../../src/platform/uplink/hub-link.ts';
import { HubLinkConfigSchema } from '../../src/platform/uplink/config.schema.ts';
import Value from 'typebox/value';
import { TestNatsServer } from '../helpers/nats-server.ts';

/**
 * Issue #24, trust between box and hub, at the NATS server (the hub checks the body again): the
 * nats.conf `jianhu hub nats-config` makes lets box A publish only under its own box id and its own
 * enterprises, hear only its own rpc subject and inbox, and touch no stream; the hub alone asks boxes.
 */
let nats: TestNatsServer;
let hub: NatsConnection;
let boxA: NatsConnection;
const statusA: Status[] = [];

const encoder = new TextEncoder();
const body = (boxId: string, enterpriseId: string | null) => {
  const payloadText = JSON.stringify({ permitId: 'p-1' });
  const entry = nextEntry(undefined, {
    outboxId: 1,
    type: 'permit.started',
    enterpriseId,
    occurredAt: '2026-12-07T00:00:00.000Z',
    payloadText,
  });
  return buildHubMessage(boxId, null, entry, payloadText);
};

const boxConnection = (boxId: string) =>
  connect(
    boxConnectionOptions(
      Value.Default(HubLinkConfigSchema, { servers: [nats.url], boxId, nkeySeedFile: '-' }) as never,
      nats.boxUsers.get(boxId)!.seed,
    ),
  );

const streamMessages = async () =>
  (await (await hub.jetstreamManager()).streams.info(HUB_STREAM)).state.messages;

/** The operation ("publish" / "subscription") the server refused on `subject`, or null after a while. */
const permissionError = async (subject: string) => {
  const end = Date.now() + 3000;
  while (Date.now() < end) {
    for (const s of statusA) {
      const ctx = (s as Status & { permissionContext?: { operation: string; subject: string } })
        .permissionContext;
      if (s.data === 'PERMISSIONS_VIOLATION' && ctx?.subject === subject) return ctx.operation;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
};

beforeAll(async () => {
  nats = new TestNatsServer([
    { boxId: 'box-a', enterprises: ['ent-a'] },
    { boxId: 'box-b', enterprises: ['ent-b'] },
  ]);
  await nats.start();
  hub = await connect({ servers: nats.url, authenticator: nkeyAuthenticator(encoder.encode(nats.hub.seed)) });
  await (
    await hub.jetstreamManager()
  ).streams.add({ name: HUB_STREAM, subjects: ['jianhu.ev.>'], duplicate_window: nanos(120_000) });
  boxA = await boxConnection('box-a');
  void (async () => {
    for await (const s of boxA.status()) statusA.push(s);
  })();
});
afterAll(async () => {
  await boxA?.close();
  await hub?.close();
  await nats?.close();
});

describe('a box’s NATS user', () => {
  it('publishes its own enterprise’s events into the stream', async () => {
    const own = body('box-a', 'ent-a');
    const ack = await boxA.jetstream().publish(own.subject, encoder.encode(JSON.stringify(own.message)), {
      msgID: own.msgId,
    });
    expect(ack).toMatchObject({ stream: HUB_STREAM, duplicate: false });
    expect(await streamMessages()).toBe(1);
  });

  it('is refused by the server when it publishes as another enterprise or another box', async () => {
    for (const forged of [body('box-a', 'ent-b'), body('box-b', 'ent-b'), body('box-a', 'ent-c')]) {
      await expect(
        boxA.jetstream().publish(forged.subject, encoder.encode(JSON.stringify(forged.message)), {
          msgID: forged.msgId,
          timeout: 1000,
        }),
      ).rejects.toThrow();
      expect(await permissionError(forged.subject)).toBe('publish');
    }
    expect(await streamMessages()).toBe(1);
  });

  it('cannot ask another box for evidence, read other boxes’ traffic, or manage the stream', async () => {
    boxA.publish('jianhu.rpc.box-b.evidence', encoder.encode('{"violationId":1}'));
    expect(await permissionError('jianhu.rpc.box-b.evidence')).toBe('publish');
    boxA.subscribe('jianhu.ev.>');
    expect(await permissionError('jianhu.ev.>')).toBe('subscription');
    boxA.subscribe('_INBOX.>');
    expect(await permissionError('_INBOX.>')).toBe('subscription');
    boxA.subscribe('jianhu.rpc.box-b.>');
    expect(await permissionError('jianhu.rpc.box-b.>')).toBe('subscription');
    const jsm = await boxA.jetstreamManager({ checkAPI: false });
    await expect(jsm.streams.purge(HUB_STREAM)).rejects.toThrow();
    expect(await permissionError(`$JS.API.STREAM.PURGE.${HUB_STREAM}`)).toBe('publish');
    await expect(jsm.streams.delete(HUB_STREAM)).rejects.toThrow();
    expect(await streamMessages()).toBe(1);
  });

  it('answers the hub on its own rpc subject (and only the hub may ask)', async () => {
    const sub = boxA.subscribe('jianhu.rpc.box-a.evidence', {
      callback: (_e, m) => m.respond(encoder.encode('{"ok":false,"code":"not_found"}')),
    });
    await boxA.flush();
    const reply = await hub.request('jianhu.rpc.box-a.evidence', encoder.encode('{"violationId":1}'), {
      timeout: 2000,
    });
    expect(new TextDecoder().decode(reply.data)).toContain('not_found');
    const boxB = await boxConnection('box-b');
    await expect(
      boxB.request('jianhu.rpc.box-a.evidence', encoder.encode('{"violationId":1}'), { timeout: 1000 }),
    ).rejects.toThrow();
    await boxB.close();
    sub.unsubscribe();
  });
});
