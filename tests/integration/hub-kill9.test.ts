import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, nanos, nkeyAuthenticator, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { HUB_STREAM, hubMessageId } from '../../src/platform/events/hub-wire.ts';
import { OutboxRepo } from '../../src/platform/events/outbox.repo.ts';
import { createLogger } from '../../src/platform/shared/logger.ts';
import { startHubUplink } from '../../src/hub-uplink.ts';
import { createServices } from '../../src/services.ts';
import { testConfigInput } from '../helpers/test-service.ts';
import { TestNatsServer } from '../helpers/nats-server.ts';

/**
 * Issue #24: the box process is killed with SIGKILL while it ships a large backlog. Rows the stream
 * acknowledged after the box's last `shipped_at` update are published again by the restarted box;
 * JetStream drops them by message id, and every seq is in the stream exactly once, in order.
 */
const EVENTS = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'jianhu-hubkill-'));
let nats: TestNatsServer;
let hub: NatsConnection;
let input: Record<string, unknown>;

beforeAll(async () => {
  nats = new TestNatsServer([{ boxId: 'box-k', enterprises: ['ent-a'] }]);
  await nats.start();
  hub = await connect({
    servers: nats.url,
    authenticator: nkeyAuthenticator(new TextEncoder().encode(nats.hub.seed)),
  });
  await (
    await hub.jetstreamManager()
  ).streams.add({
    name: HUB_STREAM,
    subjects: ['jianhu.ev.>'],
    duplicate_window: nanos(600_000),
  });
  input = testConfigInput(dir, {
    hub: {
      servers: [nats.url],
      boxId: 'box-k',
      nkeySeedFile: nats.boxUsers.get('box-k')!.seedFile,
      batchSize: 200,
      maxInFlight: 32,
      retryStepsMs: [50, 100],
    },
  });
  // the backlog, committed before the box joins: one transaction, so it takes a moment, not minutes
  const s = await createServices(validateConfig(input), { logger: createLogger('silent') });
  s.bus.transaction(() => {
    for (let i = 0; i < EVENTS; i++)
      s.bus.publish('user.loggedIn', 'ent-a', { userId: i, username: `u${i}` });
  });
  await s.close();
  writeFileSync(join(dir, 'config.json'), JSON.stringify(input));
});
afterAll(async () => {
  await hub?.close();
  await nats?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 of the box mid-shipping', () => {
  it(
    'republishes from its last mark; the stream holds every seq once, in order',
    { timeout: 120_000 },
    async () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'tests/fixtures/hub-box.ts', join(dir, 'config.json')],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let markedAtKill = 0;
      await new Promise<void>((resolve, reject) => {
        child.on('error', reject);
        child.stdout.on('data', (chunk: Buffer) => {
          const seqs = chunk.toString().trim().split('\n').map(Number);
          const seq = seqs[seqs.length - 1]!;
          if (seq >= 1000 && markedAtKill === 0) {
            markedAtKill = seq;
            child.kill('SIGKILL');
          }
        });
        child.on('exit', () => resolve());
      });
      expect(child.signalCode).toBe('SIGKILL');
      const jsm = await hub.jetstreamManager();
      // what the killed box had sent may still be landing: read the stream once it stops growing
      let inStreamAtKill = -1;
      for (let n = (await jsm.streams.info(HUB_STREAM)).state.messages; n !== inStreamAtKill;) {
        inStreamAtKill = n;
        await new Promise((r) => setTimeout(r, 200));
        n = (await jsm.streams.info(HUB_STREAM)).state.messages;
      }
      expect(inStreamAtKill).toBeLessThan(EVENTS); // killed mid-shipping

      const services = await createServices(validateConfig(input), { logger: createLogger('silent') });
      const outbox = new OutboxRepo(services.db);
      const markedAfter = outbox.lastShippedSeq();
      expect(markedAfter).toBeGreaterThanOrEqual(markedAtKill);
      const head = (services.db.prepare('SELECT COUNT(*) AS n FROM audit_chain').get() as { n: number }).n;
      const link = startHubUplink(services)!;
      const end = Date.now() + 90_000;
      while (link.status().backlog > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      const status = link.status();
      await link.stop();
      await services.close();
      expect(status.backlog).toBe(0);
      // what the stream held beyond the box's mark came again and was dropped as a duplicate
      expect(status.duplicates).toBe(inStreamAtKill - markedAfter);
      const info = await jsm.streams.info(HUB_STREAM);
      expect(info.state.messages).toBe(head);
      for (const s of [1, markedAfter, markedAfter + 1, inStreamAtKill, inStreamAtKill + 1, head]) {
        const m = await jsm.streams.getMessage(HUB_STREAM, { seq: s });
        expect(m.header.get('Nats-Msg-Id')).toBe(hubMessageId('box-k', s));
      }
    },
  );
});
