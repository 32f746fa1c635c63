import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTamperedCopy } from '../helpers/tampered-verify.ts';
import type { CameraRef } from '../../src/supervision/zones/cameras.ts';
import { call, SITE_A, startPermitsHarness, type PermitsHarness } from '../integration/permits-harness.ts';

/**
 * #23: lock_events.authorised, violations, deleted evidence rows and a changed byte in a clip all
 * verified OK (verify read none of those tables, and evidence.stored named no file). Now the events
 * name their rows and files, retention chains the deletions it makes, and `jianhu audit verify` (the
 * real command, as a process, on a copy of the real data folder) names every row or file the chain
 * does not back. Before the fix each attack below exited 0: run this file with
 * JIANHU_VERIFY_CLI=<a checkout of 8297fa8>/bin/jianhu.mjs.
 */
const DAY = 86_400_000;
let h: PermitsHarness;
let work: string;
let store: string;
let violationId: number;
let kept: { id: number; path: string };
let retired: { id: number; path: string };

const snapshot = (violationId: number | null, title: string) =>
  h.services.video.evidence!.storeSnapshot(
    { violationId, enterpriseId: 'ent-a', cameraId: 'cam-weld' },
    {
      width: 32,
      height: 24,
      rgb: Buffer.alloc(32 * 24 * 3, 90),
      boxes: [],
      zones: [],
      title,
      ts: h.clock.now(),
    },
  );

beforeAll(async () => {
  h = await startPermitsHarness();
  const lock = await call(h, 'admin-a', 'POST', '/api/locks', {
    id: 'L1',
    name: '3号煤气柜入口',
    siteId: 'site-a',
    code: 'SXLOCK-0001',
    cameraId: 'cam-tank',
  });
  expect(lock.status).toBe(201);
  // a row written by the code before 2026-12-06: its lock.changed event names no row
  h.services.bus.transaction(() => {
    h.services.db
      .prepare(
        "INSERT INTO lock_events (lock_id, event, grant_id, authorised, via, at) VALUES ('L1', 'closed', NULL, 1, 'http', ?)",
      )
      .run(h.clock.now());
    h.services.bus.publish('lock.changed', 'ent-a', {
      lockId: 'L1',
      siteId: 'site-a',
      cameraId: 'cam-tank',
      event: 'closed',
      permitId: null,
      authorised: true,
    });
  });
  // an opening without a grant: the breach the risk grade counts (authorised = 0)
  expect(
    (await call(h, 'admin-a', 'POST', '/api/locks/L1/events', { event: 'opened' })).body.authorised,
  ).toBe(false);
  await call(h, 'admin-a', 'POST', '/api/locks/L1/events', { event: 'closed' });
  const cam: CameraRef = { camera: SITE_A.cameras[0] as never, site: SITE_A as never, enterpriseId: 'ent-a' };
  const ts = h.clock.now();
  const v = {
    key: 'no_helmet|7',
    type: 'no_helmet' as const,
    severity: 'high' as const,
    cameraId: 'cam-weld',
    trackId: 7,
    zoneId: null,
    startTs: ts,
    lastTs: ts,
    endTs: null,
    box: null,
    detail: {},
  };
  violationId = h.services.supervision.violations!.apply(cam, [{ kind: 'started', violation: v }])[0]!.record
    .id;
  h.clock.advance(30_000);
  h.services.supervision.violations!.apply(cam, [
    { kind: 'ended', violation: { ...v, lastTs: ts + 30_000, endTs: ts + 30_000 } },
  ]);
  await snapshot(violationId, '未戴安全帽');
  const old = await snapshot(null, '过期');
  retired = { id: old.id, path: old.path };
  h.clock.advance((h.services.config.retention.evidenceDays + 1) * DAY);
  const k = await snapshot(null, '保留');
  kept = { id: k.id, path: k.path };
  // retention deletes the expired unattached file: legitimately, with a chained evidence.deleted
  expect(await h.services.video.evidence!.retentionSweep()).toBe(1);
  h.services.oversight.chain.checkpoint();
  h.services.db.pragma('wal_checkpoint(TRUNCATE)');
  work = mkdtempSync(join(tmpdir(), 'jianhu-rows-'));
  store = join(work, 'store');
  cpSync(h.services.config.store.dataDir, store, { recursive: true });
}, 60_000);
afterAll(async () => {
  await h?.close();
  rmSync(work, { recursive: true, force: true });
});

const tamperAndVerify = (sql: string[], files?: (dir: string) => void) =>
  verifyTamperedCopy(store, work, sql, files);

describe('lock_events, violations and evidence are backed by the chain (#23)', () => {
  it('the untouched store verifies, the file retention deleted included', () => {
    const r = tamperAndVerify([]);
    expect(r.out).toContain('OK');
    expect(r.code).toBe(0);
    // the row from before ids were chained is named as not cross-checkable: a warning, not a failure
    expect(r.out).toContain('lock_events: 1 row(s) from before 2026-12-06 cannot be cross-checked');
  });

  it('lock_events.authorised edited 0 → 1 (the breach hidden) → exit 1 naming the row', () => {
    const r = tamperAndVerify(['UPDATE lock_events SET authorised = 1 WHERE authorised = 0']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /lock_events row \d+ \(L1 opened authorised=1 at .*\): the chain says L1 opened authorised=0/,
    );
  });

  it("a violation's type or state edited → exit 1 naming the row", () => {
    const r = tamperAndVerify([
      `UPDATE violations SET type = 'no_vest', state = 'active' WHERE id = ${violationId}`,
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      new RegExp(
        `violations row ${violationId} \\(cam-weld no_vest active.*the chain says cam-weld no_helmet ended`,
      ),
    );
  });

  it('a violation row deleted → exit 1', () => {
    const r = tamperAndVerify([
      `DELETE FROM evidence WHERE violation_id = ${violationId}`,
      `DELETE FROM violations WHERE id = ${violationId}`,
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`violations row ${violationId}: in the chain, row deleted`);
  });

  it('an evidence row deleted (its file left) → exit 1', () => {
    const r = tamperAndVerify([`DELETE FROM evidence WHERE id = ${kept.id}`]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `evidence row ${kept.id}: in the chain, row deleted without a chained evidence.deleted`,
    );
  });

  it('one changed byte in a stored evidence file → exit 1 naming the file', () => {
    const r = tamperAndVerify([], (d) => {
      const f = join(d, 'evidence', kept.path);
      const b = readFileSync(f);
      b[b.length - 5] = b[b.length - 5]! ^ 0x01;
      writeFileSync(f, b);
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain(`evidence file was changed: evidence/${kept.path}`);
  });

  it('an evidence file deleted (not by retention) → exit 1 naming the file', () => {
    const r = tamperAndVerify([], (d) => rmSync(join(d, 'evidence', kept.path)));
    expect(r.code).toBe(1);
    expect(r.out).toContain(`evidence file is missing: evidence/${kept.path}`);
    expect(r.out).not.toContain(retired.path);
  });
});
