import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTamperedCopy } from '../helpers/tampered-verify.ts';
import { HealthRepo } from '../../src/video/ingest/health.repo.ts';
import type { HealthState } from '../../src/video/ingest/types.ts';
import {
  approveWithGasTest,
  call,
  startPermitsHarness,
  type PermitsHarness,
} from '../integration/permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

/**
 * #23: what the permit audit concludes from lives in state tables. Editing camera_health_log to
 * `online` turned two permits with gaps into "fully monitored 100 %"; edits to permits.state and
 * gas_tests verified OK. Now `jianhu audit verify` (the real command, as a process, on the real SQLite
 * file) re-derives those rows from the chained events and names each row the chain does not back.
 */
const MIN = 60_000;
let h: PermitsHarness;
let work: string;
let store: string; // a copy of the data folder, taken after the service signed its head
let permitId: string;

/** What ingest does on a health change: the log row and the chained event in one transaction. */
function health(cameraId: string, to: HealthState, from: HealthState | null): void {
  const now = h.clock.now();
  h.services.bus.transaction(() => {
    new HealthRepo(h.services.db).transition(
      { cameraId, siteId: 'site-a', enterpriseId: 'ent-a', state: to, reason: to, message: to, sinceMs: now },
      now,
    );
    h.services.bus.publish('camera.healthChanged', 'ent-a', {
      cameraId,
      siteId: 'site-a',
      from,
      to,
      reason: to,
      message: to,
      since: new Date(now).toISOString(),
    });
  });
}

beforeAll(async () => {
  h = await startPermitsHarness();
  health('cam-weld', 'online', null);
  const body = permitBody(h.clock.now(), { location: '炉前' }, 4 * 60 * MIN);
  const p = await call(h, 'safety-a', 'POST', '/api/permits', body);
  permitId = p.body.id as string;
  await approveWithGasTest(h, permitId, 'unit', { analyst: '王', combustiblePct: 0.1, o2Pct: 20.9 });
  h.clock.advance(5 * MIN);
  health('cam-weld', 'offline', 'online');
  h.clock.advance(7 * MIN);
  health('cam-weld', 'online', 'offline');
  h.clock.advance(MIN);
  h.services.oversight.chain.checkpoint();
  h.services.db.pragma('wal_checkpoint(TRUNCATE)');
  work = mkdtempSync(join(tmpdir(), 'jianhu-state-'));
  store = join(work, 'store');
  cpSync(h.services.config.store.dataDir, store, { recursive: true });
}, 60_000);
afterAll(async () => {
  await h?.close();
  rmSync(work, { recursive: true, force: true });
});

const tamperAndVerify = (...q: string[]) => verifyTamperedCopy(store, work, q);

describe('state tables are backed by the chain (#23)', () => {
  it('the untouched store verifies', () => {
    const r = tamperAndVerify();
    expect(r.out).toContain('OK');
    expect(r.code).toBe(0);
  });

  it('camera_health_log edited to online → exit 1 naming the row', () => {
    const r = tamperAndVerify("UPDATE camera_health_log SET state = 'online' WHERE state = 'offline'");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /state table does not match the audit chain .*camera_health_log row \d+ \(cam-weld online since .*the chain says offline/,
    );
  });

  it('the fault row deleted and the online row stretched over it → exit 1', () => {
    const r = tamperAndVerify(
      "DELETE FROM camera_health_log WHERE state = 'offline'",
      'UPDATE camera_health_log SET until_ms = (SELECT MAX(since_ms) FROM camera_health_log) WHERE id = 1',
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('camera_health_log row');
  });

  it('permits.state and gas_tests.passed edited → exit 1 naming them', () => {
    const r = tamperAndVerify(
      `UPDATE permits SET state = 'completed' WHERE id = '${permitId}'`,
      'UPDATE gas_tests SET passed = 0',
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain(`permits ${permitId}: state = completed, the chain says`);
    expect(r.out).toMatch(/gas_tests row \d+ \(permit .*passed=0\): the chain says passed=1/);
  });
});
