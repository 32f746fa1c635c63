import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'nats';
import pg from 'pg';
import { validateHubConfig } from '../../src/hub/config.ts';
import { startHub, type RunningHub } from '../../src/hub/hub.ts';
import { nextEntry, type ChainEntry } from '../../src/platform/events/chain.ts';
import { buildHubMessage } from '../../src/platform/events/hub-wire.ts';
import { boxConnectionOptions, type HubLink } from '../../src/platform/uplink/hub-link.ts';
import { startHubUplink } from '../../src/hub-uplink.ts';
import { TestNatsServer } from '../helpers/nats-server.ts';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster.ts';
import { startTestService, TEST_PASSWORD, type TestService } from '../helpers/test-service.ts';
import { hubConfigInput, waitFor } from '../helpers/hub-sim.ts';

/**
 * Issue #24's "done when": two real boxes (their own SQLite stores, outboxes and chains, shipping
 * through the box uplink) and a hub, over a real nats-server with per-box nkeys and a real
 * PostgreSQL. The hub's site is cut off (its nats-server and the hub both down), both boxes work on,
 * the site comes back: every event is in the hub exactly once, in order, each box's chain continuous.
 * A forged event from box A claiming enterprise B is refused by the hub (the NATS permissions are
 * deliberately too wide here, so it is the hub's own check that refuses it).
 */
let pgc: PgCluster;
let nats: TestNatsServer;
let hub: RunningHub | undefined;
let db: pg.Pool;
const boxes: { id: string; ent: string; t: TestService; link: HubLink }[] = [];

const hubConfig = () =>
  validateHubConfig(
    hubConfigInput(nats.url, pgc.url, { nats: { url: nats.url, nkeySeedFile: nats.hub.seedFile } }),
    {},
  );

/** one box: the shared test config cut down to its own enterprise, and the uplink to the hub */
async function startBox(id: string, ent: string, site: string) {
  const t = await startTestService({
    extra: {
      enterprises: [{ id: ent, name: ent, regionId: 'zezhou' }],
      sites: [{ id: site, name: site, enterpriseId: ent, cameras: [] }],
      users: [
        {
          username: `admin-${id}`,
          displayName: 'admin',
          role: 'enterprise_admin',
          password: TEST_PASSWORD,
          enterpriseId: ent,
        },
      ],
      hub: {
        servers: [nats.url],
        boxId: id,
        nkeySeedFile: nats.boxUsers.get(id)!.seedFile,
        publishTimeoutMs: 1000,
        retryStepsMs: [100, 200, 500],
      },
    },
  });
  return { id, ent, t, link: startHubUplink(t.services)! };
}

function produce(box: (typeof boxes)[number], n: number): void {
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    if (k === 0) box.t.services.bus.publish('user.loggedIn', box.ent, { userId: i, username: `u${i}` });
    else if (k === 1)
      box.t.services.bus.publish('camera.healthChanged', box.ent, {
        cameraId: 'cam-1',
        siteId: 'site',
        from: 'online',
        to: i % 2 ? 'offline' : 'online',
        reason: 'test',
        message: '测试',
        since: new Date().toISOString(),
      });
    else
      box.t.services.bus.publish('storage.recovered', null, {
        area: 'data',
        failedAt: new Date().toISOString(),
        at: new Date().toISOString(),
      });
  }
}

const boxChain = (b: (typeof boxes)[number]) =>
  (
    b.t.services.db.prepare('SELECT seq, hash FROM audit_chain ORDER BY seq').all() as {
      seq: number;
      hash: string;
    }[]
  ).map((r) => ({ seq: r.seq, hash: r.hash }));
const hubChain = async (id: string) =>
  (
    await db.query('SELECT seq, hash, prev_hash FROM hub_events WHERE box_id = $1 ORDER BY seq', [id])
  ).rows.map((r) => ({ seq: Number(r.seq), hash: r.hash as string, prevHash: r.prev_hash as string }));

async function caughtUp(): Promise<true | undefined> {
  for (const b of boxes) {
    const want = boxChain(b).length;
    const r = await db.query('SELECT seq FROM hub_box_heads WHERE box_id = $1', [b.id]);
    if (want === 0 || Number(r.rows[0]?.seq ?? 0) !== want) return undefined;
  }
  return true;
}

beforeAll(async () => {
  pgc = await startPgCluster();
  // box-a's NATS user may publish for ent-b too: a misconfigured server, so the hub's check is tested
  nats = new TestNatsServer([
    { boxId: 'box-a', enterprises: ['ent-a', 'ent-b'] },
    { boxId: 'box-b', enterprises: ['ent-b'] },
  ]);
  await nats.start();
  db = new pg.Pool({ connectionString: pgc.url, max: 2 });
  hub = await startHub(hubConfig());
  boxes.push(await startBox('box-a', 'ent-a', 'site-a'), await startBox('box-b', 'ent-b', 'site-b'));
}, 120_000);

afterAll(async () => {
  for (const b of boxes) {
    await b.link.stop();
    await b.t.close();
  }
  await hub?.stop();
  await db?.end();
  await nats?.close();
  await pgc?.stop();
});

describe('two boxes and a hub over NATS JetStream and PostgreSQL', () => {
  it('cut off, both boxes work on, restored: every event exactly once, in order, chains continuous', async () => {
    for (const b of boxes) produce(b, 12);
    await waitFor('hub has both boxes', caughtUp, 60_000);

    // the hub's site goes dark: the hub and its nats-server
    await hub!.stop();
    hub = undefined;
    await nats.stop('SIGKILL');
    for (const b of boxes) produce(b, 60);
    await waitFor('boxes see the outage', async () =>
      boxes.every((b) => !b.link.status().connected) ? true : undefined,
    );
    for (const b of boxes) expect(b.link.status().backlog).toBeGreaterThanOrEqual(60);

    await nats.start();
    hub = await startHub(hubConfig());
    await waitFor('hub caught up with both boxes', caughtUp, 90_000);
    for (const b of boxes) {
      const box = boxChain(b);
      const got = await hubChain(b.id);
      expect(got.map((e) => e.seq)).toEqual(box.map((e) => e.seq)); // each once, in order
      expect(got.map((e) => e.hash)).toEqual(box.map((e) => e.hash)); // the box's own chain
      got.forEach((e, i) => i > 0 && expect(e.prevHash).toBe(got[i - 1]!.hash));
      expect(b.link.status().backlog).toBe(0);
    }
    const bad = await db.query(
      "SELECT * FROM hub_alarms WHERE kind IN ('gap', 'fork') AND resolved_at IS NULL",
    );
    expect(bad.rows).toEqual([]);
  }, 240_000);

  it('refuses a forged event from box A claiming enterprise B, and box A goes on', async () => {
    const a = boxes[0]!;
    const head = boxChain(a).at(-1)!;
    const payloadText = JSON.stringify({ permitId: 'forged', to: 'active' });
    const forgedEntry: ChainEntry = nextEntry(
      { seq: head.seq, hash: head.hash },
      {
        outboxId: 999_999,
        type: 'permit.started',
        enterpriseId: 'ent-b',
        occurredAt: new Date().toISOString(),
        payloadText,
      },
    );
    const forged = buildHubMessage('box-a', 'zezhou', forgedEntry, payloadText);
    // published with box-a's own credentials: NATS lets it through, the hub must not
    const nc = await connect(boxConnectionOptions(a.t.config.hub!, nats.boxUsers.get('box-a')!.seed));
    await nc.jetstream().publish(forged.subject, JSON.stringify(forged.message), { msgID: 'forged-1' });
    await nc.close();
    const alarm = await waitFor('refusal alarm', async () => {
      const r = await db.query(
        "SELECT * FROM hub_alarms WHERE box_id = 'box-a' AND code = 'foreign_enterprise'",
      );
      return r.rows[0];
    });
    expect(alarm).toMatchObject({ kind: 'refused', enterprise_id: 'ent-b', seq: String(head.seq + 1) });
    expect((await db.query("SELECT 1 FROM hub_permits WHERE permit_id = 'forged'")).rowCount).toBe(0);
    produce(a, 3);
    await waitFor('box A goes on', caughtUp, 60_000);
    expect((await hubChain('box-a')).map((e) => e.hash)).toEqual(boxChain(a).map((e) => e.hash));
  }, 120_000);
});
