// `npm run bench:hub` (issue #24): a county on this machine. Starts a real PostgreSQL, a real
// nats-server (JetStream) and `jianhu hub` as its own process, and N simulated boxes whose event
// generators follow a plant's rates (camera health, violations with evidence, machine scans, chip
// reports, permits, hazards; no video). Measures, in order:
//   steady: ingest rate, box-publish → visible-in-hub-API lag (p50/p95/max), hub CPU and memory;
//   outage: kill -9 of the hub, the boxes go on for HUB_BENCH_OUTAGE_S, the hub restarts: catch-up time;
//   exactly once: every event of every box in the read model once, chains without gap or fork.
// One JSON line at the end. Loopback only; every loop is bounded by a deadline.
// Knobs: HUB_BENCH_BOXES (200), HUB_BENCH_STEADY_S (60), HUB_BENCH_OUTAGE_S (60; the 600),
// HUB_BENCH_RATE_X (1: the plant rates below; 10 = ten times busier).
import { readFileSync } from 'node:fs';
import { connect, type JetStreamClient } from 'nats';
import pg from 'pg';
import { startNats } from '../tests/helpers/nats-process.ts';
import { freePort, startPgCluster } from '../tests/helpers/pg-cluster.ts';
import {
  SimBox,
  healthPayload,
  permitPayload,
  spawnHub,
  violationPayload,
} from '../tests/helpers/hub-sim.ts';
import { cpuSecondsOf } from './proc-cpu.ts';

const BOXES = Number(process.env.HUB_BENCH_BOXES ?? 200);
const STEADY_S = Number(process.env.HUB_BENCH_STEADY_S ?? 60);
const OUTAGE_S = Number(process.env.HUB_BENCH_OUTAGE_S ?? 60);
const RATE_X = Number(process.env.HUB_BENCH_RATE_X ?? 1);
const CAMERAS = 10;
const PASSWORD = 'bench-password-1';

/** events per hour of one box with 10 cameras (a mid-size plant's day, from the sim's own rates) */
const PER_HOUR = {
  health: CAMERAS * 2, // camera.healthChanged: flaps, night IR switch, network
  violation: CAMERAS * 1, // each: started, updated, evidence.stored, ended
  scan: 30, // machine.scanned: 一机一码 scans at the gate
  chip: 60, // machine.powerChanged: chip reports of welders/grinders
  permit: 15, // one step of a permit's life: created → submitted → approved → active → completed
  hazard: 1,
} as const;
type Kind = keyof typeof PER_HOUR;
const eventsPerOccurrence: Record<Kind, number> = {
  health: 1,
  violation: 4,
  scan: 1,
  chip: 1,
  permit: 1,
  hazard: 1,
};
const nominalPerSec =
  (BOXES *
    RATE_X *
    Object.entries(PER_HOUR).reduce((s, [k, v]) => s + v * eventsPerOccurrence[k as Kind], 0)) /
  3600;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const expo = (perHour: number) => (-Math.log(1 - Math.random()) * 3_600_000) / (perHour * RATE_X);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : null;
};
const rssMiB = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  } catch {
    return 0;
  }
};

interface Sim {
  box: SimBox;
  ent: string;
  due: Record<Kind, number>;
  permits: { id: string; state: string }[];
  nextPermit: number;
  nextViolation: number;
  chain: Promise<void>;
}

function eventsOf(s: Sim, kind: Kind): [string, unknown][] {
  const cam = `cam-${Math.floor(Math.random() * CAMERAS)}`;
  switch (kind) {
    case 'health':
      return [
        ['camera.healthChanged', healthPayload(cam, 'online', Math.random() < 0.5 ? 'offline' : 'online')],
      ];
    case 'violation': {
      const v = ++s.nextViolation;
      return [
        ['violation.started', violationPayload(v, cam, 'active')],
        ['violation.updated', violationPayload(v, cam, 'active')],
        [
          'evidence.stored',
          {
            evidenceId: v,
            violationId: v,
            cameraId: cam,
            kind: 'snapshot',
            sha256: 'a'.repeat(64),
            bytes: 40_000,
          },
        ],
        ['violation.ended', violationPayload(v, cam, 'ended')],
      ];
    }
    case 'scan':
      return [
        [
          'machine.scanned',
          { scanId: s.box.seq + 1, machineId: 'm-1', userId: 1, result: 'ok', permitId: null, warnings: [] },
        ],
      ];
    case 'chip':
      return [
        [
          'machine.powerChanged',
          {
            machineId: `m-${Math.floor(Math.random() * 5)}`,
            siteId: 'site-1',
            on: Math.random() < 0.5,
            at: new Date().toISOString(),
          },
        ],
      ];
    case 'hazard':
      return [
        [
          'hazard.registered',
          {
            hazardId: s.box.seq + 1,
            from: null,
            to: 'registered',
            byUserId: 1,
            by: 'sim',
            reason: '',
            source: 'inspection',
            violationId: null,
            stage: 'found',
            description: '护栏缺失',
            photos: [],
          },
        ],
      ];
    case 'permit': {
      const steps = ['draft', 'awaiting_approval', 'approved', 'active', 'completed'];
      let p = s.permits.find((x) => x.state !== 'completed');
      if (!p || Math.random() < 0.3) s.permits.push((p = { id: `p${++s.nextPermit}`, state: '' }));
      const from = p.state || null;
      p.state = steps[steps.indexOf(p.state) + 1]!;
      s.permits = s.permits.filter((x) => x.state !== 'completed').slice(-20);
      return [
        [
          `permit.${p.state === 'draft' ? 'created' : p.state === 'awaiting_approval' ? 'submitted' : p.state === 'active' ? 'started' : p.state}`,
          permitPayload(`${s.box.boxId}-${p.id}`, from, p.state, [cam]),
        ],
      ];
    }
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const [pgc, nats] = await Promise.all([startPgCluster(), startNats()]);
  const ents = Array.from({ length: BOXES }, (_, i) => `ent-${i}`);
  const config = {
    nats: { url: nats.url },
    store: { url: pgc.url, poolSize: 4 },
    server: { port: 0, logLevel: 'warn' },
    regions: [{ id: 'county', name: '泽州县' }],
    enterprises: ents.map((id, i) => ({ id, name: `企业${i}`, regionId: 'county' })),
    boxes: ents.map((e, i) => ({ id: `box-${i}`, enterpriseIds: [e] })),
    users: [{ username: 'reg', displayName: '监管', regionId: 'county', password: PASSWORD }],
  };
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let hub = spawnHub(config, port);
  const nc = await connect({ servers: nats.url });
  const js: JetStreamClient = nc.jetstream();
  const db = new pg.Pool({ connectionString: pgc.url, max: 2 });
  let token = '';
  const login = async () => {
    const r = await fetch(`${base}/api/hub/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'reg', password: PASSWORD }),
    });
    if (!r.ok) throw new Error(`login ${r.status}`);
    token = ((await r.json()) as { token: string }).token;
  };
  const waitHub = async () => {
    const start = Date.now();
    while (Date.now() - start < 120_000) {
      if (
        await fetch(`${base}/api/hub/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return Date.now() - start;
      if (hub.proc.exitCode !== null) throw new Error(`hub exited: ${hub.stderr()}`);
      await sleep(100);
    }
    throw new Error('hub did not start in 120 s');
  };
  await waitHub();
  await login();
  const heads = async (): Promise<Map<string, number>> => {
    const r = await fetch(`${base}/api/hub/boxes`, { headers: { authorization: `Bearer ${token}` } });
    if (!r.ok) throw new Error(`boxes ${r.status}`);
    return new Map(
      ((await r.json()) as { items: { boxId: string; headSeq: number }[] }).items.map((x) => [
        x.boxId,
        x.headSeq,
      ]),
    );
  };

  const now = Date.now();
  const sims: Sim[] = ents.map((ent, i) => ({
    box: new SimBox(`box-${i}`, [ent], 'county'),
    ent,
    due: Object.fromEntries(Object.entries(PER_HOUR).map(([k, v]) => [k, now + expo(v)])) as Record<
      Kind,
      number
    >,
    permits: [],
    nextPermit: 0,
    nextViolation: 0,
    chain: Promise.resolve(),
  }));
  let published = 0;
  let sampling = false;
  const pending: { boxId: string; seq: number; t0: number }[] = [];
  const lags: number[] = [];
  let lastSample = 0;
  let running = true;

  // the generators: every 50 ms each box emits what is due, in its chain's order
  const generate = (async () => {
    while (running) {
      const t = Date.now();
      for (const s of sims)
        for (const kind of Object.keys(PER_HOUR) as Kind[]) {
          if (s.due[kind] > t) continue;
          s.due[kind] = t + expo(PER_HOUR[kind]);
          for (const [type, payload] of eventsOf(s, kind)) {
            const m = s.box.next(type, s.ent, payload);
            const sample = sampling && t - lastSample >= 500;
            if (sample) lastSample = t;
            s.chain = s.chain.then(async () => {
              const before = Date.now();
              await js.publish(m.subject, m.body, { msgID: m.msgId });
              published++;
              if (sample) pending.push({ boxId: s.box.boxId, seq: m.entry.seq, t0: before });
            });
          }
        }
      await sleep(50);
    }
  })();
  // the lag probe: one API call shows every box's head; a sample is seen when its box's head passes it
  const probe = (async () => {
    while (running) {
      if (pending.length > 0) {
        const h = await heads().catch(() => undefined);
        const t = Date.now();
        if (h)
          for (let i = pending.length - 1; i >= 0; i--)
            if ((h.get(pending[i]!.boxId) ?? 0) >= pending[i]!.seq)
              lags.push(t - pending.splice(i, 1)[0]!.t0);
      }
      await sleep(50);
    }
  })();

  // steady state
  const hubPid = () => hub.proc.pid!;
  const cpu0 = cpuSecondsOf(hubPid())!;
  const pub0 = published;
  let rssMax = 0;
  sampling = true;
  for (let i = 0; i < STEADY_S; i++) {
    await sleep(1000);
    rssMax = Math.max(rssMax, rssMiB(hubPid()));
  }
  sampling = false;
  const steadyEvents = published - pub0;
  const cpuPct = ((cpuSecondsOf(hubPid())! - cpu0) / STEADY_S) * 100;
  await sleep(3000);
  const unseen = pending.splice(0).length;

  // outage: kill -9 of the hub while the boxes go on
  hub.proc.kill('SIGKILL');
  await new Promise((r) => hub.proc.once('exit', r));
  const pubAtKill = published;
  await sleep(OUTAGE_S * 1000);
  await Promise.all(sims.map((s) => s.chain));
  const backlog = published - pubAtKill;
  const target = new Map(sims.map((s) => [s.box.boxId, s.box.seq]));
  const restartAt = Date.now();
  hub = spawnHub(config, port);
  const startMs = await waitHub();
  await login();
  let caughtUpAt = 0;
  for (const end = Date.now() + 600_000; Date.now() < end; await sleep(200)) {
    const h = await heads().catch(() => undefined);
    if (h && [...target].every(([b, seq]) => (h.get(b) ?? 0) >= seq)) {
      caughtUpAt = Date.now();
      break;
    }
  }

  // stop the boxes, let the hub finish, check every chain in the read model
  running = false;
  await generate;
  await probe;
  await Promise.all(sims.map((s) => s.chain));
  const final = new Map(sims.map((s) => [s.box.boxId, s.box.seq]));
  for (const end = Date.now() + 300_000; Date.now() < end; await sleep(200)) {
    const h = await heads().catch(() => undefined);
    if (h && [...final].every(([b, seq]) => (h.get(b) ?? 0) >= seq)) break;
  }
  const rows = (
    await db.query<{ box_id: string; n: string; d: string; mx: string }>(
      'SELECT box_id, count(*) AS n, count(DISTINCT seq) AS d, max(seq) AS mx FROM hub_events GROUP BY box_id',
    )
  ).rows;
  const got = new Map(rows.map((r) => [r.box_id, r]));
  let lost = 0;
  let doubled = 0;
  let total = 0;
  for (const [b, seq] of final) {
    const r = got.get(b);
    total += seq;
    lost += seq - Number(r?.d ?? 0);
    doubled += Number(r?.n ?? 0) - Number(r?.d ?? 0);
  }
  const alarms = Number(
    (
      await db.query(
        "SELECT count(*) AS n FROM hub_alarms WHERE kind IN ('gap','fork') AND resolved_at IS NULL",
      )
    ).rows[0].n,
  );
  const health = (await fetch(`${base}/api/hub/health`).then((r) => r.json())) as {
    ingest: Record<string, number>;
  };

  hub.proc.kill('SIGTERM');
  await new Promise((r) => hub.proc.once('exit', r));
  await nc.close();
  await db.end();
  await nats.remove();
  await pgc.stop();
  const catchUpS = caughtUpAt ? (caughtUpAt - restartAt) / 1000 : null;
  console.log(
    JSON.stringify({
      bench: 'hub',
      boxes: BOXES,
      camerasPerBox: CAMERAS,
      rateX: RATE_X,
      nominalEventsPerSec: Math.round(nominalPerSec * 10) / 10,
      steady: {
        seconds: STEADY_S,
        events: steadyEvents,
        ingestPerSec: Math.round((steadyEvents / STEADY_S) * 10) / 10,
        lagSamples: lags.length,
        lagUnseen: unseen,
        lagP50Ms: pct(lags, 50),
        lagP95Ms: pct(lags, 95),
        lagMaxMs: pct(lags, 100),
        hubCpuPctOfOneCore: Math.round(cpuPct * 10) / 10,
        hubRssMaxMiB: Math.round(rssMax),
      },
      outage: {
        seconds: OUTAGE_S,
        kill9: true,
        backlogEvents: backlog,
        hubStartMs: startMs,
        /** from the restart: the hub's own start (migrations, stream, consumer) plus the drain */
        catchUpS,
        drainS: catchUpS === null ? null : Math.round((catchUpS - startMs / 1000) * 10) / 10,
        drainEventsPerSec:
          catchUpS === null ? null : Math.round(backlog / Math.max(0.1, catchUpS - startMs / 1000)),
      },
      exactlyOnce: {
        events: total,
        lost,
        doubled,
        openGapOrForkAlarms: alarms,
        redeliveriesDropped: health.ingest.duplicate ?? 0,
      },
      loadavg1: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
      wallS: Math.round((Date.now() - t0) / 1000),
    }),
  );
}

await main();
