import { randomBytes, createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStore } from '../../src/oversight/audit/store-source.ts';
import type { DomainEventMap } from '../../src/platform/events/domain-events.ts';
import { call, startPermitsHarness, type PermitsHarness } from './permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

/**
 * Retention of recorded segments on a real SQLite store: per permit kind and level (特级 动火 ≥ 31
 * days, others 7), never a segment a violation or an open hold refers to; each deletion chained, so
 * `audit verify` reads a deleted segment as "deleted by retention on D" and a file removed without
 * that event as missing (tampering).
 */
let h: PermitsHarness;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const t0 = Date.now() - 10 * 60_000;

const events = <T extends keyof DomainEventMap>(type: T): DomainEventMap[T][] =>
  (
    h.services.db.prepare('SELECT payload FROM outbox WHERE type = ? ORDER BY id').all(type) as {
      payload: string;
    }[]
  ).map((r) => JSON.parse(r.payload) as DomainEventMap[T]);

/** A closed segment as the recorder stores it (its bytes are not video: retention never reads them). */
function segment(cameraId: string, from: number, to: number): { id: number; file: string; bytes: Buffer } {
  const dir = join(h.services.recording.dir, cameraId);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${cameraId}-${from}.mp4`);
  const bytes = randomBytes(2048);
  writeFileSync(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  h.services.recording.service.recordClosed(
    cameraId,
    { file, sha256, bytes: bytes.length, startedAt: from, endedAt: to, mediaStart: 0, codec: 'avc1.42E01E' },
    'length',
  );
  return { id: events('recording.segmentClosed').at(-1)!.segmentId, file, bytes };
}

const alive = (id: number) => h.services.recording.repo.segment(id)!.deletedAt === null;
const evidenceProblems = () =>
  verifyStore(h.services.db, h.services.config.store.dataDir, { now: h.clock.now() });

beforeAll(async () => {
  h = await startPermitsHarness({ start: Date.now() });
}, 60_000);
afterAll(async () => h?.close());

describe('recording retention', () => {
  it('keeps 特级 hot work 31 days and referenced segments past retention; deletions read as retention in verify', async () => {
    const body = permitBody(h.clock.now(), { level: 'special', location: '煤气柜', cameraIds: ['cam-tank'] });
    const special = await call(h, 'safety-a', 'POST', '/api/permits', body);
    expect(special.status).toBe(201);

    const a = segment('cam-weld', t0, t0 + 60_000); // a violation at t0+30 s
    const b = segment('cam-weld', t0 + 120_000, t0 + 180_000); // nothing refers to it
    const c = segment('cam-tank', t0 + 120_000, t0 + 180_000); // recorded under 特级 动火
    const d = segment('cam-weld', t0 + 240_000, t0 + 300_000); // an open hold (audit question)
    const e = segment('cam-weld', t0 + 360_000, t0 + 420_000); // its file will be removed by hand
    h.services.db
      .prepare(
        `INSERT INTO violations (enterprise_id, site_id, camera_id, type, severity, state, started_at, last_seen_at, ended_at)
         VALUES ('ent-a', 'site-a', 'cam-weld', 'no_helmet', 'high', 'ended', ?, ?, ?)`,
      )
      .run(iso(t0 + 30_000), iso(t0 + 40_000), iso(t0 + 40_000));
    // an audit question: the regulator holds cam-weld's recording around t0+255 s
    const hold = await call(h, 'regulator-z', 'POST', '/api/recordings/holds', {
      cameraId: 'cam-weld',
      from: iso(t0 + 250_000),
      to: iso(t0 + 260_000),
      reason: '监管质询：动火点是否有人监护',
    });
    expect(hold.status).toBe(201);
    expect(events('recording.holdOpened')[0]).toMatchObject({ holdId: hold.body.id, by: 'regulator-z' });
    // another region's regulator cannot hold (or see) this camera
    expect(
      (
        await call(h, 'regulator-o', 'POST', '/api/recordings/holds', {
          cameraId: 'cam-weld',
          from: iso(t0),
          to: iso(t0 + 1000),
          reason: '越权',
        })
      ).status,
    ).toBe(404);

    // a segment removed without a chained deletion is tampering
    rmSync(e.file);
    const tampered = evidenceProblems();
    expect(tampered.problems).toContainEqual(
      expect.objectContaining({
        kind: 'evidence_missing',
        type: 'recording.segmentClosed',
        detail: expect.stringContaining(`cam-weld-${t0 + 360_000}.mp4`),
      }),
    );
    writeFileSync(e.file, e.bytes);

    // young segments are never looked at
    expect(h.services.recording.retention.sweep().deleted).toBe(0);

    h.clock.advance(8 * DAY);
    const week = h.services.recording.retention.sweep();
    expect(week.deleted).toBe(2); // b and e: 7 days, nothing refers to them
    expect(alive(b.id) || alive(e.id)).toBe(false);
    expect(existsSync(b.file)).toBe(false);
    expect([alive(a.id), alive(c.id), alive(d.id)]).toEqual([true, true, true]);
    expect(week.keptReferenced.map((k) => k.by)).toEqual([
      expect.stringMatching(/^violation \d+$/),
      expect.stringMatching(/^hold \d+/),
    ]);
    const deleted = events('recording.segmentDeleted');
    expect(deleted[0]).toMatchObject({ segmentId: b.id, cameraId: 'cam-weld', reason: 'retention' });
    expect(deleted[0]!.deletedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const report = evidenceProblems();
    expect(report.problems.filter((p) => p.kind.startsWith('evidence'))).toEqual([]);
    expect(report.notes.join('\n')).toContain(`deleted by retention on ${deleted[0]!.deletedOn}`);

    h.clock.advance(24 * DAY); // 32 days: 特级 动火's month is over
    expect(h.services.recording.retention.sweep().deleted).toBe(1);
    expect(alive(c.id)).toBe(false);
    expect([alive(a.id), alive(d.id)]).toEqual([true, true]); // still referenced

    (h.login as unknown as { forget(u: string): void }).forget('regulator-z'); // 32 days on: a new session
    expect((await call(h, 'safety-b', 'POST', `/api/recordings/holds/${hold.body.id}/close`)).status).toBe(
      404,
    );
    expect(
      (await call(h, 'regulator-z', 'POST', `/api/recordings/holds/${hold.body.id}/close`)).body.closedAt,
    ).toBeTruthy();
    expect(events('recording.holdClosed')).toHaveLength(1);
    expect(h.services.recording.retention.sweep().deleted).toBe(1);
    expect(alive(d.id)).toBe(false);
    expect(alive(a.id)).toBe(true); // the violation's video stays

    const after = evidenceProblems();
    expect(after.problems.filter((p) => p.kind.startsWith('evidence'))).toEqual([]);
    expect(after.notes).toHaveLength(4);
  });
});
