import type { Db } from '../../platform/store/db.ts';
import type { Problem } from './problems.ts';
import { evidenceRows, lockEvents, violations, type Chained, type RowCheck } from './cross-check-rows.ts';

/**
 * What the permit audit concludes from lives partly in state tables (camera_health_log, permits,
 * gas_tests, hazards). Those rows are re-derived here from the chained events that were written in the
 * same transaction, and any row the chain does not back is a problem naming the table, the row and the
 * entry it contradicts (lock_events, violations and evidence: cross-check-rows.ts). Tables or columns a database does not have yet are skipped.
 */
const MAX_PER_TABLE = 20;

/** Problems fail verify; warnings name what could not be checked (rows older than their chained ids). */
export function crossCheckState(db: Db, dataDir: string): RowCheck {
  const has = (t: string) => !!db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?").get(t);
  // The chain is read once; each table's check takes the event types it needs from this.
  const chained = (
    db
      .prepare(
        `SELECT c.seq, c.type, o.payload FROM audit_chain c JOIN outbox o ON o.id = c.outbox_id
         WHERE c.type GLOB 'camera.healthChanged' OR c.type GLOB 'permit.*' OR c.type GLOB 'hazard.*'
            OR c.type GLOB 'lock.changed' OR c.type GLOB 'violation.*' OR c.type GLOB 'evidence.*'
         ORDER BY c.seq`,
      )
      .all() as { seq: number; type: string; payload: string }[]
  ).flatMap((r): Chained[] => {
    try {
      return [{ seq: r.seq, type: r.type, payload: JSON.parse(r.payload) as Record<string, unknown> }];
    } catch {
      return []; // an unreadable payload is already a payload problem of the chain itself
    }
  });
  /** `type` exactly, or every type under `area.` when it ends with `.*` */
  const events = (type: string): Chained[] =>
    type.endsWith('.*')
      ? chained.filter((e) => e.type.startsWith(type.slice(0, -1)))
      : chained.filter((e) => e.type === type);
  const out: Problem[] = [];
  if (has('camera_health_log')) out.push(...cameraHealth(db, events('camera.healthChanged')));
  if (has('permits')) out.push(...lastState(db, 'permits', 'id', 'state', events('permit.*'), 'permitId'));
  if (has('hazards')) out.push(...lastState(db, 'hazards', 'id', 'state', events('hazard.*'), 'hazardId'));
  if (has('gas_tests')) out.push(...gasTests(db, events('permit.gasTested')));
  const warnings: string[] = [];
  const rows = (r: RowCheck) => (out.push(...r.problems), warnings.push(...r.warnings));
  if (has('lock_events')) rows(lockEvents(db, events('lock.changed')));
  if (has('violations')) rows(violations(db, events('violation.*')));
  if (has('evidence')) rows(evidenceRows(db, dataDir, events('evidence.*')));
  return { problems: out, warnings };
}

const mismatch = (seq: number | null, detail: string): Problem => ({ kind: 'state_mismatch', seq, detail });

/**
 * Each camera's rows, in order, must be its chained camera.healthChanged events (state and since);
 * a row may end no later than the next change's since. Editing a row to `online`, deleting a fault
 * row or stretching an online row over a fault all show.
 */
function cameraHealth(db: Db, evs: Chained[]): Problem[] {
  const rows = db
    .prepare('SELECT id, camera_id, state, since_ms, until_ms FROM camera_health_log ORDER BY camera_id, id')
    .all() as { id: number; camera_id: string; state: string; since_ms: number; until_ms: number | null }[];
  const byCam = new Map<string, Chained[]>();
  for (const e of evs) {
    const cam = String(e.payload.cameraId);
    // pushed, not spread: a copy per event made this quadratic (2.7 s at 20k health changes)
    const list = byCam.get(cam);
    if (list) list.push(e);
    else byCam.set(cam, [e]);
  }
  const out: Problem[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (out.length >= MAX_PER_TABLE) break;
    const i = seen.get(r.camera_id) ?? 0;
    seen.set(r.camera_id, i + 1);
    const list = byCam.get(r.camera_id) ?? [];
    const e = list[i];
    const row = `camera_health_log row ${r.id} (${r.camera_id} ${r.state} since ${new Date(r.since_ms).toISOString()})`;
    if (!e) {
      out.push(mismatch(null, `${row}: no camera.healthChanged event in the chain`));
      continue;
    }
    const since = Date.parse(String(e.payload.since));
    if (e.payload.to !== r.state || since !== r.since_ms) {
      out.push(
        mismatch(e.seq, `${row}: the chain says ${String(e.payload.to)} since ${String(e.payload.since)}`),
      );
      continue;
    }
    const next = list[i + 1];
    const nextSince = next ? Date.parse(String(next.payload.since)) : undefined;
    if (nextSince !== undefined && (r.until_ms === null || r.until_ms > Math.max(r.since_ms, nextSince)))
      out.push(
        mismatch(
          e.seq,
          `${row}: ends ${r.until_ms === null ? 'never' : new Date(r.until_ms).toISOString()}, the chain's next change is ${String(next!.payload.since)} (#${next!.seq})`,
        ),
      );
  }
  for (const [cam, list] of byCam) {
    const n = seen.get(cam) ?? 0;
    if (n < list.length && out.length < MAX_PER_TABLE)
      out.push(
        mismatch(
          list[n]!.seq,
          `camera ${cam}: ${list.length - n} chained health change(s) have no camera_health_log row (deleted)`,
        ),
      );
  }
  return out;
}

/** A row's state must be the `to` of the last chained transition for its id (permits, hazards). */
function lastState(
  db: Db,
  table: string,
  idCol: string,
  stateCol: string,
  evs: Chained[],
  key: string,
): Problem[] {
  const last = new Map<string, Chained>();
  for (const e of evs)
    if (typeof e.payload.to === 'string' && e.payload[key] !== undefined) last.set(String(e.payload[key]), e);
  const rows = db.prepare(`SELECT ${idCol} AS id, ${stateCol} AS state FROM ${table}`).all() as {
    id: string | number;
    state: string;
  }[];
  const out: Problem[] = [];
  for (const r of rows) {
    if (out.length >= MAX_PER_TABLE) break;
    const e = last.get(String(r.id));
    if (!e)
      out.push(
        mismatch(null, `${table} ${r.id}: state ${r.state} but no ${table.slice(0, -1)} event in the chain`),
      );
    else if (e.payload.to !== r.state)
      out.push(
        mismatch(
          e.seq,
          `${table} ${r.id}: ${stateCol} = ${r.state}, the chain says ${String(e.payload.to)} (${e.type})`,
        ),
      );
    last.delete(String(r.id));
  }
  for (const [id, e] of last)
    if (out.length < MAX_PER_TABLE) out.push(mismatch(e.seq, `${table} ${id}: in the chain, row deleted`));
  return out;
}

/** Each gas test's result and time must be the chained permit.gasTested event's. */
function gasTests(db: Db, evs: Chained[]): Problem[] {
  const byId = new Map(evs.map((e) => [Number(e.payload.gasTestId), e]));
  const rows = db.prepare('SELECT id, permit_id, passed, taken_at FROM gas_tests').all() as {
    id: number;
    permit_id: string;
    passed: number;
    taken_at: number;
  }[];
  const out: Problem[] = [];
  for (const r of rows) {
    if (out.length >= MAX_PER_TABLE) break;
    const e = byId.get(r.id);
    const row = `gas_tests row ${r.id} (permit ${r.permit_id}, passed=${r.passed ? 1 : 0})`;
    if (!e) out.push(mismatch(null, `${row}: no permit.gasTested event in the chain`));
    else if (
      e.payload.passed !== !!r.passed ||
      e.payload.permitId !== r.permit_id ||
      Date.parse(String(e.payload.takenAt)) !== r.taken_at
    )
      out.push(
        mismatch(
          e.seq,
          `${row}: the chain says passed=${e.payload.passed ? 1 : 0} at ${String(e.payload.takenAt)}`,
        ),
      );
    byId.delete(r.id);
  }
  for (const [id, e] of byId)
    if (out.length < MAX_PER_TABLE)
      out.push(mismatch(e.seq, `gas_tests row ${id}: in the chain, row deleted`));
  return out;
}
