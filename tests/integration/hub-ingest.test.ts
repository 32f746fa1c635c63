import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import pg from 'pg';
import { validateHubConfig } from '../../src/hub/config.ts';
import { startHub, type RunningHub } from '../../src/hub/hub.ts';
import { startNats, type NatsProcess } from '../helpers/nats-process.ts';
import { freePort, startPgCluster, type PgCluster } from '../helpers/pg-cluster.ts';
import {
  HUB_TEST_PASSWORD,
  SimBox,
  healthPayload,
  hubConfigInput,
  permitPayload,
  publish,
  spawnHub,
  violationPayload,
  waitFor,
} from '../helpers/hub-sim.ts';

// The hub over a real nats-server (JetStream, file store) and a real PostgreSQL: order, exactly once
// across a restart and a kill -9, gap / fork alarms, and the forged-enterprise refusal (issue #24).
let pgc: PgCluster;
let nats: NatsProcess;
let nc: NatsConnection;
let js: JetStreamClient;
let db: pg.Pool;
let hub: RunningHub | undefined;
const boxA = new SimBox('box-a', ['ent-a']);
const boxB = new SimBox('box-b', ['ent-b']);

const config = () => validateHubConfig(hubConfigInput(nats.url, pgc.url), {});
const head = async (box: string) =>
  Number((await db.query('SELECT seq FROM hub_box_heads WHERE box_id = $1', [box])).rows[0]?.seq ?? 0);
const headIs = (box: string, seq: number) => async () => ((await head(box)) === seq ? true : undefined);
const events = async (box: string) =>
  (await db.query('SELECT seq, prev_hash, hash FROM hub_events WHERE box_id = $1 ORDER BY seq', [box])).rows;

/** every entry of the box's chain exactly once, in order, each continuing the one before */
async function expectContinuous(box: SimBox): Promise<void> {
  const rows = await events(box.boxId);
  expect(rows.map((r) => Number(r.seq))).toEqual(box.sent.map((m) => m.entry.seq));
  expect(rows.map((r) => r.hash)).toEqual(box.sent.map((m) => m.entry.hash));
  rows.forEach((r, i) => i > 0 && expect(r.prev_hash).toBe(rows[i - 1]!.hash));
}

async function produce(box: SimBox, n: number, ent: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const k = box.seq + 1;
    const m =
      k % 3 === 0
        ? box.next(
            'camera.healthChanged',
            ent,
            healthPayload('cam-1', 'offline', k % 2 ? 'online' : 'offline'),
          )
        : k % 3 === 1
          ? box.next('violation.started', ent, violationPayload(k, 'cam-1', 'active'))
          : box.next('machine.scanned', ent, {
              scanId: k,
              machineId: 'm1',
              userId: 1,
              result: 'ok',
              permitId: null,
              warnings: [],
            });
    await publish(js, m);
  }
}

beforeAll(async () => {
  [pgc, nats] = await Promise.all([startPgCluster(), startNats()]);
  nc = await connect({ servers: nats.url });
  db = new pg.Pool({ connectionString: pgc.url, max: 2 });
  hub = await startHub(config());
  js = nc.jetstream();
});

afterAll(async () => {
  await hub?.stop();
  await nc?.close();
  await db?.end();
  await nats?.remove();
  await pgc?.stop();
});

describe('hub ingest over NATS JetStream into PostgreSQL', () => {
  it('applies two boxes in order, projects permits and coverage, and serves them to the region', async () => {
    await publish(js, boxA.next('camera.healthChanged', 'ent-a', healthPayload('cam-1', null, 'online')));
    await publish(
      js,
      boxA.next('permit.started', 'ent-a', permitPayload('p1', 'approved', 'active', ['cam-1'])),
    );
    await publish(
      js,
      boxB.next('permit.started', 'ent-b', permitPayload('p2', 'approved', 'active', ['cam-9'])),
    );
    await produce(boxA, 20, 'ent-a');
    await produce(boxB, 20, 'ent-b');
    await waitFor('box-a head', headIs('box-a', boxA.seq));
    await waitFor('box-b head', headIs('box-b', boxB.seq));
    await expectContinuous(boxA);
    await expectContinuous(boxB);

    const login = await hub!.app.inject({
      method: 'POST',
      url: '/api/hub/login',
      payload: { username: 'reg-z', password: HUB_TEST_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const auth = { authorization: `Bearer ${login.json().token}` };
    const ov = (await hub!.app.inject({ url: '/api/hub/overview', headers: auth })).json();
    expect(ov.items.map((r: { enterpriseId: string }) => r.enterpriseId).sort()).toEqual(['ent-a', 'ent-b']);
    const running = (await hub!.app.inject({ url: '/api/hub/permits/running', headers: auth })).json();
    const byId = new Map(running.items.map((p: { permitId: string }) => [p.permitId, p]));
    // cam-1's last health change in produce() decides; p2's camera was never seen: unmonitored
    expect(byId.get('p2')).toMatchObject({ monitoring: 'unmonitored', enterpriseId: 'ent-b' });
    expect(['monitored', 'unmonitored']).toContain((byId.get('p1') as { monitoring: string }).monitoring);
    const cov = await hub!.app.inject({ url: '/api/hub/permits/box-a/p1/coverage', headers: auth });
    expect(cov.statusCode).toBe(200);
    expect(cov.json().coverage.workMs).toBeGreaterThan(0);
    const viol = (await hub!.app.inject({ url: '/api/hub/violations?limit=500', headers: auth })).json();
    expect(viol.items.length).toBeGreaterThan(0);
    // another county's regulator sees none of it
    const other = await hub!.app.inject({
      method: 'POST',
      url: '/api/hub/login',
      payload: { username: 'reg-o', password: HUB_TEST_PASSWORD },
    });
    const oAuth = { authorization: `Bearer ${other.json().token}` };
    expect(
      (await hub!.app.inject({ url: '/api/hub/overview', headers: oAuth }))
        .json()
        .items.map((r: { enterpriseId: string }) => r.enterpriseId),
    ).toEqual(['ent-c']);
    expect(
      (await hub!.app.inject({ url: '/api/hub/permits/box-a/p1/coverage', headers: oAuth })).statusCode,
    ).toBe(404);
    expect((await hub!.app.inject({ url: '/api/hub/violations', headers: oAuth })).json().items).toEqual([]);
  });

  it('drops redeliveries and re-sends: exactly once', async () => {
    const before = boxA.seq;
    // the same message id (JetStream's window drops it) and a re-send with a new id (the hub drops it)
    await publish(js, boxA.sent[4]!);
    await publish(js, { ...boxA.sent[5]!, msgId: 'resent-6' });
    await produce(boxA, 1, 'ent-a');
    await waitFor('box-a head', headIs('box-a', before + 1));
    await expectContinuous(boxA);
  });

  it('holds entries after a gap, alarms it, and applies them in order once the hole is filled', async () => {
    const first = boxA.next('machine.scanned', 'ent-a', { scanId: 1001 });
    const second = boxA.next('machine.scanned', 'ent-a', { scanId: 1002 });
    await publish(js, second);
    const alarm = await waitFor('gap alarm', async () => {
      const r = await db.query(
        "SELECT * FROM hub_alarms WHERE box_id = 'box-a' AND kind = 'gap' AND resolved_at IS NULL",
      );
      return r.rows[0];
    });
    expect(Number(alarm.seq)).toBe(first.entry.seq);
    expect(await head('box-a')).toBe(first.entry.seq - 1); // not advanced past the hole
    await publish(js, first);
    await waitFor('box-a head', headIs('box-a', second.entry.seq));
    await expectContinuous(boxA);
    const resolved = await db.query('SELECT resolved_at FROM hub_alarms WHERE id = $1', [alarm.id]);
    expect(resolved.rows[0].resolved_at).not.toBeNull();
  });

  it('refuses a fork and a forged enterprise with alarms, and goes on with the true chain', async () => {
    const at = boxA.seq;
    await publish(js, boxA.forkNext('machine.scanned', 'ent-a', { scanId: 'fork' }));
    // box-a claims ent-b (registered to box-b) on a subject that agrees with its body
    const forged = boxA.peekNext(
      'permit.started',
      'ent-b',
      permitPayload('forged', 'approved', 'active', []),
    );
    expect(forged.subject).toBe('jianhu.ev.box-a.ent-b.permit.started');
    // (its own message id: the box's real next entry must not be taken for a duplicate of it)
    await publish(js, { ...forged, msgId: 'forged' });
    await waitFor('alarms', async () => {
      const r = await db.query(
        "SELECT kind, code FROM hub_alarms WHERE box_id = 'box-a' AND seq = $1 ORDER BY kind",
        [at + 1],
      );
      return r.rows.length === 2 ? r.rows : undefined;
    }).then((rows) =>
      expect(rows).toEqual([
        { kind: 'fork', code: 'fork' },
        { kind: 'refused', code: 'foreign_enterprise' },
      ]),
    );
    expect(await head('box-a')).toBe(at);
    const permits = await db.query("SELECT 1 FROM hub_permits WHERE permit_id = 'forged'");
    expect(permits.rowCount).toBe(0);
    await produce(boxA, 2, 'ent-a');
    await waitFor('box-a head', headIs('box-a', at + 2));
    await expectContinuous(boxA);
  });

  it('loses and doubles nothing across a hub restart and a kill -9 of the hub process', async () => {
    await hub!.stop();
    hub = undefined;
    await produce(boxA, 50, 'ent-a'); // while the hub is away
    await produce(boxB, 50, 'ent-b');
    const port = await freePort();
    const input = hubConfigInput(nats.url, pgc.url);
    let child = spawnHub(input, port);
    await waitFor(
      'hub caught up',
      async () =>
        (await head('box-a')) === boxA.seq && (await head('box-b')) === boxB.seq ? true : undefined,
      60_000,
    );
    // a burst, and kill -9 in the middle of ingesting it
    const burst = Array.from({ length: 1500 }, (_, i) => (i % 2 ? boxA : boxB)).map((b) =>
      b.next('machine.scanned', b.enterpriseIds[0]!, { scanId: b.seq + 1 }),
    );
    const publishing = Promise.all(burst.map((m) => publish(js, m)));
    await waitFor(
      'ingest under way',
      async () => ((await head('box-a')) > boxA.seq - 700 ? true : undefined),
      60_000,
    ).catch(() => {});
    const headAtKill = await head('box-a');
    child.proc.kill('SIGKILL');
    await new Promise((r) => child.proc.once('exit', r));
    await publishing;
    child = spawnHub(input, port);
    try {
      await waitFor(
        'hub caught up after kill -9',
        async () =>
          (await head('box-a')) === boxA.seq && (await head('box-b')) === boxB.seq ? true : undefined,
        90_000,
      );
    } finally {
      child.proc.kill('SIGTERM');
      await new Promise((r) => child.proc.once('exit', r));
    }
    expect(headAtKill).toBeLessThan(boxA.seq); // killed in the middle of the burst
    await expectContinuous(boxA);
    await expectContinuous(boxB);
    hub = await startHub(config());
  }, 240_000);
});
