import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStore } from '../../src/oversight/audit/store-source.ts';
import type { CameraRef } from '../../src/supervision/zones/cameras.ts';
import { startAuditHarness, SITE_A, type AuditHarness } from './audit-harness.ts';

/** AI inspection closed loop: a violation (real violations + evidence services) → confirmed → 隐患. */
let h: AuditHarness;
let violationId: number;

beforeAll(async () => {
  h = await startAuditHarness();
  const cam: CameraRef = { camera: SITE_A.cameras[0] as never, site: SITE_A as never, enterpriseId: 'ent-a' };
  const ts = h.clock.now();
  const touched = h.services.supervision.violations!.apply(cam, [
    {
      kind: 'started',
      violation: {
        key: 'no_helmet|7',
        type: 'no_helmet',
        severity: 'high',
        cameraId: 'cam-weld',
        trackId: 7,
        zoneId: null,
        startTs: ts,
        lastTs: ts,
        endTs: null,
        box: null,
        detail: {},
      },
    },
  ]);
  violationId = touched[0]!.record.id;
  await h.services.video.evidence!.storeSnapshot(
    { violationId, enterpriseId: 'ent-a', cameraId: 'cam-weld' },
    {
      width: 32,
      height: 24,
      rgb: Buffer.alloc(32 * 24 * 3, 90),
      boxes: [],
      zones: [],
      title: '未戴安全帽',
      ts,
    },
  );
});
afterAll(async () => h?.close());

describe('a confirmed violation becomes a hazard', () => {
  it('registers it once, in the reviewer’s name, with the violation’s evidence', async () => {
    const c = await h.call('safety-a', 'POST', `/api/violations/${violationId}/confirm`, { note: '属实' });
    expect(c.status).toBe(200);
    const list = await h.call('safety-a', 'GET', '/api/hazards?enterprise=ent-a');
    const items = list.body.items as {
      id: number;
      violationId: string;
      source: string;
      registeredBy: number;
    }[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      source: 'violation',
      violationId: String(violationId),
      registeredBy: h.services.users.byUsername('safety-a')!.userId,
    });
    // 派单整改 on the wall, clicked twice after the confirmation: still the one hazard
    const dispatch = {
      enterpriseId: 'ent-a',
      source: 'violation',
      violationId: String(violationId),
      stage: 'self_check',
      checker: '安全员',
      description: '未戴安全帽',
      hazardType: 'ppe',
    };
    for (let i = 0; i < 2; i++) {
      const again = await h.call('safety-a', 'POST', '/api/hazards', dispatch);
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(items[0]!.id);
    }
    const after = await h.call('safety-a', 'GET', '/api/hazards?enterprise=ent-a');
    expect(after.body.items).toHaveLength(1);
    const d = await h.call('safety-a', 'GET', `/api/hazards/${items[0]!.id}`);
    const photo = (d.body.photos as { path: string; sha256: string }[])[0]!;
    expect(photo.path).toMatch(/^evidence\/snapshot\/.*\.jpg$/);
    // a manual registration from another enterprise's point of view is refused
    expect(
      (
        await h.call('safety-b', 'POST', '/api/hazards', {
          enterpriseId: 'ent-b',
          source: 'violation',
          violationId: String(violationId),
          stage: 'self_check',
          checker: 'x',
          description: 'x',
          hazardType: 'x',
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await h.call('safety-a', 'POST', '/api/hazards', {
          enterpriseId: 'ent-a',
          source: 'violation',
          violationId: 'abc',
          stage: 'self_check',
          checker: 'x',
          description: 'x',
          hazardType: 'x',
        })
      ).body.code,
    ).toBe('JH_ERR_HAZARD_VIOLATION_ID');
  });

  it('puts the snapshot under the audit chain: one changed byte is found', async () => {
    const ro = () => new Database(h.config.store.path, { readonly: true });
    let db = ro();
    // judged by the service's (fake) clock: its entries are minutes old, not months
    expect(verifyStore(db, h.dir, { now: h.clock.now() })).toMatchObject({ ok: true });
    db.close();
    const d = await h.call('safety-a', 'GET', '/api/hazards?enterprise=ent-a');
    const id = (d.body.items as { id: number }[])[0]!.id;
    const photo = (
      (await h.call('safety-a', 'GET', `/api/hazards/${id}`)).body.photos as { path: string }[]
    )[0]!;
    const f = join(h.dir, photo.path);
    const bytes = readFileSync(f);
    bytes[100] = bytes[100]! ^ 0x10;
    writeFileSync(f, bytes);
    db = ro();
    const r = verifyStore(db, h.dir, { now: h.clock.now() });
    db.close();
    // named twice: by evidence.stored (which chains the path since #23) and by hazard.registered
    expect(r.firstBroken).toMatchObject({
      kind: 'evidence_mismatch',
      type: 'evidence.stored',
      detail: photo.path,
    });
    expect(r.problems).toContainEqual(
      expect.objectContaining({ kind: 'evidence_mismatch', type: 'hazard.registered', detail: photo.path }),
    );
  });
});
