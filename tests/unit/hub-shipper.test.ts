import type { JetStreamClient, PubAck } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { nextEntry, type ChainEntry } from '../../src/platform/events/chain.ts';
import { HUB_STREAM } from '../../src/platform/events/hub-wire.ts';
import { HubShipper, type ShipperOutbox } from '../../src/platform/uplink/shipper.ts';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { createLogger } from '../../src/platform/shared/logger.ts';
import Value from 'typebox/value';
import { HubLinkConfigSchema } from '../../src/platform/uplink/config.schema.ts';

/** The shipper's window and marking rules against an in-memory outbox and a scripted JetStream. */
function outbox(n: number, acknowledged: (seq: number) => boolean = () => true) {
  const rows: { entry: ChainEntry; payloadText: string; shipped: boolean }[] = [];
  for (let i = 1; i <= n; i++) {
    const payloadText = JSON.stringify({ i });
    const entry = nextEntry(rows.at(-1)?.entry, {
      outboxId: i * 10, // outbox ids need not equal seqs
      type: 'config.applied',
      enterpriseId: null,
      occurredAt: '2026-12-07T00:00:00.000Z',
      payloadText,
    });
    rows.push({ entry, payloadText, shipped: false });
  }
  const marks: number[] = [];
  /** rows a mark covered before the stream had acknowledged them: must stay empty */
  const markedUnacknowledged: number[] = [];
  const repo: ShipperOutbox = {
    unshippedChained: (limit, after = 0) =>
      rows.filter((r) => !r.shipped && r.entry.outboxId > after).slice(0, limit),
    markShippedUpTo: (id) => {
      marks.push(id);
      for (const r of rows)
        if (r.entry.outboxId <= id && !acknowledged(r.entry.seq)) markedUnacknowledged.push(r.entry.seq);
      for (const r of rows) if (r.entry.outboxId <= id) r.shipped = true;
    },
    lastShippedSeq: () => rows.filter((r) => r.shipped).at(-1)?.entry.seq ?? 0,
  };
  return { rows, marks, markedUnacknowledged, repo };
}

/** Stores by msg id like JetStream (a second publish of an id is a duplicate); `fail` rejects chosen tries. */
function jetstream(fail: (msgId: string, attempt: number) => boolean) {
  const stored: string[] = [];
  const attempts = new Map<string, number>();
  const js = {
    publish: async (_subject: string, _data: Uint8Array, opts: { msgID: string }) => {
      await new Promise((r) => setTimeout(r, 1));
      const n = (attempts.get(opts.msgID) ?? 0) + 1;
      attempts.set(opts.msgID, n);
      if (fail(opts.msgID, n)) throw new Error(`no ack for ${opts.msgID}`);
      const duplicate = stored.includes(opts.msgID);
      if (!duplicate) stored.push(opts.msgID);
      return { stream: HUB_STREAM, seq: stored.length, duplicate } as PubAck;
    },
  } as unknown as JetStreamClient;
  return { js, stored, attempts };
}

const config = (over: Record<string, unknown>) =>
  Value.Default(HubLinkConfigSchema, {
    servers: ['nats://x:1'],
    boxId: 'b',
    nkeySeedFile: '-',
    ...over,
  }) as never;

let shipper: HubShipper | null = null;
afterEach(async () => shipper?.stop());

const until = async (ok: () => boolean) => {
  const end = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('HubShipper', () => {
  it('marks nothing past a failed publish, retries from it, and stores every seq once', async () => {
    // seq 7's first try gets no ack; its later neighbours in the window do
    const nats = jetstream((id, attempt) => id === 'b:7' && attempt === 1);
    const box = outbox(30, (seq) => nats.stored.includes(`b:${seq}`));
    shipper = new HubShipper({
      config: config({ batchSize: 10, maxInFlight: 4, retryStepsMs: [20] }),
      outbox: box.repo,
      clock: new FakeClock(0),
      logger: createLogger('silent'),
      jetstream: () => nats.js,
      regionOf: () => null,
      idleMs: 10,
    });
    shipper.start();
    await until(() => box.rows.every((r) => r.shipped));
    expect(shipper.status).toMatchObject({ lastShippedSeq: 30, failures: 1 });
    // each seq stored once; 8..10 were in the window after 7 and came again as duplicates
    expect([...new Set(nats.stored)].length).toBe(30);
    expect(nats.stored.length).toBe(30);
    expect(shipper.status.duplicates).toBe(3);
    expect(nats.attempts.get('b:7')).toBe(2);
    // no mark ever covered a row before the stream had it (8..10 were stored before 7 was)
    expect(box.marks.length).toBeGreaterThan(0);
    expect(box.markedUnacknowledged).toEqual([]);
  });

  it('ships nothing and marks nothing while not connected, then everything once connected', async () => {
    const box = outbox(5);
    const nats = jetstream(() => false);
    let connected = false;
    shipper = new HubShipper({
      config: config({}),
      outbox: box.repo,
      clock: new FakeClock(0),
      logger: createLogger('silent'),
      jetstream: () => (connected ? nats.js : null),
      regionOf: () => null,
      idleMs: 10,
    });
    shipper.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(nats.stored).toEqual([]);
    expect(box.marks).toEqual([]);
    connected = true;
    shipper.nudge();
    await until(() => box.rows.every((r) => r.shipped));
    expect(nats.stored).toEqual(['b:1', 'b:2', 'b:3', 'b:4', 'b:5']);
  });
});
