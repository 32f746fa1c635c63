import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateMachineKey, signQr } from '../../src/work/machines/machine-token.ts';
import {
  call,
  cli,
  freePort,
  login,
  spawnService,
  stopProcess,
  writeServeConfig,
  type ServiceProcess,
} from './service-process.ts';
import { permitBody } from '../helpers/permit-body.ts';

/**
 * The whole service (`jianhu serve` as a child process, embedded MQTT broker) is killed with SIGKILL in
 * the middle of a burst of hazards with photos, permit transitions, QR scans and chip telemetry (HTTP and
 * MQTT). After a restart on the same folder: every request that got a 2xx (or a coded refusal that the
 * service records, for scans) is there, the audit chain verifies, and every photo file referenced in
 * SQLite exists whole with its recorded sha256.
 */
const dir = mkdtempSync(join(tmpdir(), 'jianhu-kill9-svc-'));
let svc: ServiceProcess | null = null;
afterAll(async () => {
  if (svc) await stopProcess(svc.child, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ORDER = ['draft', 'awaiting_approval', 'approved'];
const MACHINE = { lat: 35.4901, lon: 112.8512 };

describe('service killed with -9 mid-burst', () => {
  it('keeps everything it acknowledged; the log verifies; no half-written file is referenced', async () => {
    const [port, mqttPort] = [await freePort(), await freePort()];
    const config = writeServeConfig(dir, port, mqttPort);
    svc = await spawnService(config, port);
    const base = svc.base;
    const [safety, approver, admin, welder] = (await Promise.all(
      ['safety-a', 'approver-a', 'admin-a', 'welder-a'].map((u) => login(base, u)),
    )) as [string, string, string, string];
    expect(
      (await call(base, admin, 'PUT', '/api/approvers/approver-a/authority', { authority: 'leader' })).status,
    ).toBe(204);
    // 持证上岗: the permits name welder-a, who needs a valid 焊接与热切割作业 card before submit
    expect(
      (
        await call(base, safety, 'POST', '/api/certificates', {
          username: 'welder-a',
          number: 'T1405-KILL9',
          issuedAt: new Date(Date.now() - 365 * 86_400_000).toISOString(),
          expiresAt: new Date(Date.now() + 2 * 365 * 86_400_000).toISOString(),
        })
      ).status,
    ).toBe(201);
    for (const id of ['M1', 'M2'])
      expect(
        (await call(base, admin, 'POST', '/api/machines', { id, name: id, siteId: 'site-a', ...MACHINE }))
          .status,
      ).toBe(201);
    const qr = signQr(loadOrCreateMachineKey(dir), {
      machineId: 'M1',
      version: 1,
      iat: Math.floor(Date.now() / 1000),
    });

    const acked = {
      hazards: [] as { id: number; sha256: string }[],
      permits: new Map<string, string>(),
      scans: 0,
      telemetry: 0,
      mqtt: 0,
    };
    let stop = false;
    const hazards = async () => {
      while (!stop) {
        const photo = Buffer.concat([PNG, randomBytes(3000)]);
        const r = await call(base, safety, 'POST', '/api/hazards', {
          enterpriseId: 'ent-a',
          source: 'inspection',
          stage: 'self_check',
          checker: '张工',
          description: '平台护栏缺失 missing guard rail',
          hazardType: '防护设施',
          photos: [photo.toString('base64')],
        });
        if (r.status === 201)
          acked.hazards.push({
            id: r.json.id as number,
            sha256: createHash('sha256').update(photo).digest('hex'),
          });
      }
    };
    const permits = async () => {
      while (!stop) {
        const now = Date.now();
        const body = permitBody(now, { location: '2号转炉平台', cameraIds: [] }, 4 * 3600_000);
        const c = await call(base, safety, 'POST', '/api/permits', body);
        if (c.status !== 201) continue;
        const id = c.json.id as string;
        acked.permits.set(id, c.json.state as string);
        for (const [who, step] of [
          [safety, 'submit'],
          [approver, 'approve'],
        ] as const) {
          const r = await call(base, who, 'POST', `/api/permits/${id}/${step}`);
          if (r.status !== 200) break;
          acked.permits.set(id, r.json.state as string);
        }
      }
    };
    const scans = async () => {
      while (!stop) {
        const r = await call(base, welder, 'POST', '/api/scan', {
          qr,
          nonce: randomBytes(12).toString('base64url'),
          scannedAt: new Date().toISOString(),
          ...MACHINE,
          accuracyM: 5,
        });
        // refused (no permit binds M1) but recorded before the answer: an answer means it is stored
        if (r.status > 0 && String(r.json.code ?? '').startsWith('JH_ERR_SCAN')) acked.scans++;
      }
    };
    const telemetry = async () => {
      // power toggles on every report: the service stores every change at once (steady reports are
      // sampled every 10 s by design), so each acknowledged report must be a row
      for (let k = 0; !stop; k++) {
        const r = await call(base, admin, 'POST', '/api/machines/M2/telemetry', {
          powered: k % 2 === 0,
          currentA: k % 2 === 0 ? 80 : 0,
        });
        if (r.status === 200) acked.telemetry++;
      }
    };
    // the chip logs in with its own credential (#23); beyond its publish rate the broker cuts it off,
    // which ends this loop early: its reports are only counted, not asserted
    const cred = (await call(base, admin, 'POST', '/api/machines/M1/mqtt-credential')).json as {
      username: string;
      secret: string;
    };
    const chip = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, {
      reconnectPeriod: 0,
      clientId: cred.username,
      username: cred.username,
      password: cred.secret,
    });
    chip.on('error', () => {});
    await new Promise<void>((r) => chip.once('connect', () => r()));
    const chips = async () => {
      while (!stop && chip.connected) {
        // the broker dies with the service: a publish may never be acknowledged, so bounded wait
        await new Promise<void>((r) => {
          const timer = setTimeout(r, 1000);
          chip.publish(
            'jianhu/site-a/machines/M1/telemetry',
            JSON.stringify({ powered: true, currentA: 120 }),
            { qos: 1 },
            (err) => {
              if (!err) acked.mqtt++;
              clearTimeout(timer);
              r();
            },
          );
        });
      }
    };
    const loops = [hazards(), hazards(), permits(), permits(), scans(), scans(), telemetry(), chips()];
    // write for 3 s, and on, up to 60 s, until each kind has enough acknowledged writes to mean something
    // (a machine busy with other jobs acknowledges fewer in 3 s; the kill must still land mid-traffic)
    const enough = () => acked.hazards.length > 5 && acked.permits.size > 3 && acked.scans > 10;
    const t0 = Date.now();
    while (Date.now() - t0 < 3000 || (!enough() && Date.now() - t0 < 60_000))
      await new Promise((r) => setTimeout(r, 100));
    stop = true; // no new requests; the ones in flight now are cut by the kill
    const exited = new Promise((r) => svc!.child.once('exit', r));
    svc.child.kill('SIGKILL');
    await exited;
    await Promise.all(loops);
    chip.end(true);
    console.log('acknowledged before kill -9:', {
      hazards: acked.hazards.length,
      permits: acked.permits.size,
      scans: acked.scans,
      telemetry: acked.telemetry,
      mqttPublishes: acked.mqtt,
    });
    expect(acked.hazards.length).toBeGreaterThan(5);
    expect(acked.permits.size).toBeGreaterThan(3);
    expect(acked.scans).toBeGreaterThan(10);

    // restart on the same folder: it comes up, and everything acknowledged is there
    svc = await spawnService(config, port);
    const safety2 = await login(svc.base, 'safety-a');
    for (const h of acked.hazards) {
      const d = await call(svc.base, safety2, 'GET', `/api/hazards/${h.id}`);
      expect(d.status, `hazard ${h.id}`).toBe(200);
      const photos = d.json.photos as { sha256: string }[];
      expect(photos.map((p) => p.sha256)).toEqual([h.sha256]);
    }
    for (const [id, state] of acked.permits) {
      const p = await call(svc.base, safety2, 'GET', `/api/permits/${id}`);
      expect(p.status, `permit ${id}`).toBe(200);
      const now = (p.json.permit as { state: string }).state;
      // the acknowledged state, or the next one when that step was in flight at the kill
      expect([state, ORDER[ORDER.indexOf(state) + 1]], `permit ${id}`).toContain(now);
    }
    await stopProcess(svc.child);
    svc = null;

    const db = new Database(join(dir, 'jianhu.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      expect(count("SELECT COUNT(*) AS n FROM machine_scans WHERE machine_id = 'M1'")).toBeGreaterThanOrEqual(
        acked.scans,
      );
      expect(
        count("SELECT COUNT(*) AS n FROM machine_telemetry WHERE machine_id = 'M2' AND via = 'http'"),
      ).toBeGreaterThanOrEqual(acked.telemetry);
      // every photo referenced is whole: the bytes hash to what SQLite recorded
      const photos = db.prepare('SELECT path, sha256 FROM hazard_photos').all() as {
        path: string;
        sha256: string;
      }[];
      expect(photos.length).toBeGreaterThanOrEqual(acked.hazards.length);
      for (const p of photos) {
        const abs = join(dir, p.path);
        expect(existsSync(abs), p.path).toBe(true);
        expect(createHash('sha256').update(readFileSync(abs)).digest('hex'), p.path).toBe(p.sha256);
      }
    } finally {
      db.close();
    }
    // temp files a kill can leave are never referenced (above) and are only leftovers, never renamed in
    const hazardDir = join(dir, 'evidence', 'hazards', 'ent-a');
    const leftovers = readdirSync(hazardDir).filter((f) => f.includes('.tmp-'));
    console.log(`temp leftovers after kill -9: ${leftovers.length}`);

    const verify = cli(['audit', 'verify', '--config', config]);
    expect(verify.code, verify.out).toBe(0);
  }, 120_000);
});
