import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../platform/store/db.ts';
import type { Problem } from './problems.ts';

/**
 * Row-by-row cross-checks of the tables whose events name their row (#23): lock_events (the
 * `authorised` flag a breach count comes from), violations and evidence. Each row must be what its
 * chained event says; a row with no event was inserted, an event with no row means a deleted row
 * (evidence rows may go only with a chained `evidence.deleted`, which retention publishes).
 */
export interface Chained {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
}

export interface RowCheck {
  problems: Problem[];
  warnings: string[];
}

const MAX_PER_TABLE = 20;
const mismatch = (seq: number | null, detail: string): Problem => ({ kind: 'state_mismatch', seq, detail });
const isoOf = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * lock.changed events carry `lockEventId` and `at` since 2026-12-06. Rows older than the first such
 * event cannot be matched to an event (the old payload names no row): they are a warning, not a
 * failure, so an upgraded store still verifies; every newer row must match, and no newer row may
 * be missing or added.
 */
export function lockEvents(db: Db, evs: Chained[]): RowCheck {
  const byId = new Map<number, Chained>();
  for (const e of evs) if (typeof e.payload.lockEventId === 'number') byId.set(e.payload.lockEventId, e);
  const firstChained = byId.size ? Math.min(...byId.keys()) : Infinity;
  const rows = db.prepare('SELECT id, lock_id, event, authorised, at FROM lock_events ORDER BY id').all() as {
    id: number;
    lock_id: string;
    event: string;
    authorised: number;
    at: number;
  }[];
  const problems: Problem[] = [];
  let legacy = 0;
  for (const r of rows) {
    if (problems.length >= MAX_PER_TABLE) break;
    const e = byId.get(r.id);
    byId.delete(r.id);
    const row = `lock_events row ${r.id} (${r.lock_id} ${r.event} authorised=${r.authorised ? 1 : 0} at ${isoOf(r.at)})`;
    if (!e) {
      if (r.id < firstChained) legacy++;
      else problems.push(mismatch(null, `${row}: no lock.changed event in the chain (inserted)`));
      continue;
    }
    const p = e.payload;
    if (
      p.lockId !== r.lock_id ||
      p.event !== r.event ||
      p.authorised !== !!r.authorised ||
      Date.parse(String(p.at)) !== r.at
    )
      problems.push(
        mismatch(
          e.seq,
          `${row}: the chain says ${String(p.lockId)} ${String(p.event)} authorised=${p.authorised ? 1 : 0} at ${String(p.at)}`,
        ),
      );
  }
  for (const [id, e] of byId)
    if (problems.length < MAX_PER_TABLE)
      problems.push(mismatch(e.seq, `lock_events row ${id}: in the chain, row deleted`));
  const warnings = legacy
    ? [
        `lock_events: ${legacy} row(s) from before 2026-12-06 cannot be cross-checked (their lock.changed events name no row) 早于行号入链的门锁事件无法与审计链核对`,
      ]
    : [];
  return { problems, warnings };
}

/** Each violation row must be what its last chained violation.* event says. */
export function violations(db: Db, evs: Chained[]): RowCheck {
  const last = new Map<number, Chained>();
  for (const e of evs) if (typeof e.payload.violationId === 'number') last.set(e.payload.violationId, e);
  const rows = db
    .prepare('SELECT id, camera_id, type, state, review, started_at, ended_at FROM violations ORDER BY id')
    .all() as {
    id: number;
    camera_id: string;
    type: string;
    state: string;
    review: string;
    started_at: string;
    ended_at: string | null;
  }[];
  const problems: Problem[] = [];
  for (const r of rows) {
    if (problems.length >= MAX_PER_TABLE) break;
    const e = last.get(r.id);
    last.delete(r.id);
    const row = `violations row ${r.id} (${r.camera_id} ${r.type} ${r.state}, ${r.started_at}..${r.ended_at ?? ''})`;
    if (!e) {
      problems.push(mismatch(null, `${row}: no violation event in the chain (inserted)`));
      continue;
    }
    const p = e.payload;
    if (
      p.cameraId !== r.camera_id ||
      p.type !== r.type ||
      p.state !== r.state ||
      p.review !== r.review ||
      p.startedAt !== r.started_at ||
      (p.endedAt ?? null) !== r.ended_at
    )
      problems.push(
        mismatch(
          e.seq,
          `${row}: the chain says ${String(p.cameraId)} ${String(p.type)} ${String(p.state)} review=${String(p.review)}, ${String(p.startedAt)}..${String(p.endedAt ?? '')} (${e.type})`,
        ),
      );
  }
  for (const [id, e] of last)
    if (problems.length < MAX_PER_TABLE)
      problems.push(mismatch(e.seq, `violations row ${id}: in the chain, row deleted`));
  return { problems, warnings: [] };
}

/**
 * Evidence rows against evidence.stored (sha256, bytes and, since 2026-12-06, the path) and
 * evidence.deleted. The files named by new events are re-hashed by the chain verifier itself; for
 * events from before paths were chained, the file at the row's path is hashed here against the
 * chained sha256 (a renamed row path only points at another file with that same hash).
 */
export function evidenceRows(db: Db, dataDir: string, evs: Chained[]): RowCheck {
  const stored = new Map<number, Chained>();
  const deleted = new Map<number, Chained>();
  for (const e of evs) {
    const id = e.payload.evidenceId;
    if (typeof id !== 'number') continue;
    if (e.type === 'evidence.stored') stored.set(id, e);
    else if (e.type === 'evidence.deleted') deleted.set(id, e);
  }
  const rows = db
    .prepare('SELECT id, camera_id, kind, path, sha256, bytes FROM evidence ORDER BY id')
    .all() as {
    id: number;
    camera_id: string;
    kind: string;
    path: string;
    sha256: string;
    bytes: number;
  }[];
  const problems: Problem[] = [];
  for (const r of rows) {
    if (problems.length >= MAX_PER_TABLE) break;
    const e = stored.get(r.id);
    stored.delete(r.id);
    const row = `evidence row ${r.id} (${r.camera_id} ${r.kind} ${r.path})`;
    if (!e) {
      problems.push(mismatch(null, `${row}: no evidence.stored event in the chain (inserted)`));
      continue;
    }
    const p = e.payload;
    const gone = deleted.get(r.id);
    if (gone) problems.push(mismatch(gone.seq, `${row}: the chain says retention deleted it`));
    else if (
      p.sha256 !== r.sha256 ||
      p.bytes !== r.bytes ||
      p.cameraId !== r.camera_id ||
      p.kind !== r.kind ||
      (typeof p.path === 'string' && p.path !== `evidence/${r.path}`)
    )
      problems.push(
        mismatch(
          e.seq,
          `${row}: the chain says ${String(p.path ?? '(no path)')} sha256 ${String(p.sha256).slice(0, 12)}… ${String(p.bytes)} bytes`,
        ),
      );
    else if (typeof p.path !== 'string') {
      const f = join(dataDir, 'evidence', r.path);
      const at = { seq: e.seq, type: e.type, detail: `evidence/${r.path} (row ${r.id})` };
      if (!existsSync(f)) problems.push({ kind: 'evidence_missing', ...at });
      else if (createHash('sha256').update(readFileSync(f)).digest('hex') !== p.sha256)
        problems.push({ kind: 'evidence_mismatch', ...at });
    }
  }
  for (const [id, e] of stored)
    if (!deleted.has(id) && problems.length < MAX_PER_TABLE)
      problems.push(
        mismatch(e.seq, `evidence row ${id}: in the chain, row deleted without a chained evidence.deleted`),
      );
  return { problems, warnings: [] };
}
