import type { Db } from '../../platform/store/db.ts';
import type { FiveInPlace, HazardLevel, HazardState, Stage } from './hazard.machine.ts';

export interface Hazard {
  id: number;
  enterpriseId: string;
  siteId: string | null;
  source: 'violation' | 'inspection' | 'public';
  violationId: string | null;
  stage: Stage;
  checker: string;
  supervisingUnit: string | null;
  description: string;
  location: string | null;
  basis: string | null;
  hazardType: string;
  level: HazardLevel | null;
  state: HazardState;
  responsibleUserId: number | null;
  deadline: string | null;
  five: Partial<FiveInPlace> | null;
  penaltyYuan: number;
  penaltyNote: string | null;
  foundAt: string;
  registeredBy: number;
  rectifiedBy: number | null;
  rectifiedAt: string | null;
  verifiedBy: number | null;
  verifiedAt: string | null;
  closedAt: string | null;
  overdueLevel: number;
  updatedAt: string;
  version: number;
}

export interface HazardTransition {
  id: number;
  hazardId: number;
  action: string;
  fromState: HazardState | null;
  toState: HazardState;
  actorUserId: number | null;
  actorName: string;
  actorRole: string;
  at: string;
  reason: string;
  data: Record<string, unknown> | null;
}

export interface HazardPhoto {
  id: number;
  hazardId: number;
  kind: 'before' | 'after';
  path: string;
  sha256: string;
  bytes: number;
  mime: string;
  at: string;
}

export interface HazardFilter {
  enterpriseIds: string[];
  state?: HazardState;
  level?: HazardLevel;
  stage?: Stage;
  /** dispatched to this user (their hazards to rectify) */
  responsibleUserId?: number;
  /** found at or after / before (ISO) */
  from?: string;
  to?: string;
  limit?: number;
}

const COLS: Record<keyof Omit<Hazard, 'five'>, string> = {
  id: 'id',
  enterpriseId: 'enterprise_id',
  siteId: 'site_id',
  source: 'source',
  violationId: 'violation_id',
  stage: 'stage',
  checker: 'checker',
  supervisingUnit: 'supervising_unit',
  description: 'description',
  location: 'location',
  basis: 'basis',
  hazardType: 'hazard_type',
  level: 'level',
  state: 'state',
  responsibleUserId: 'responsible_user_id',
  deadline: 'deadline',
  penaltyYuan: 'penalty_yuan',
  penaltyNote: 'penalty_note',
  foundAt: 'found_at',
  registeredBy: 'registered_by',
  rectifiedBy: 'rectified_by',
  rectifiedAt: 'rectified_at',
  verifiedBy: 'verified_by',
  verifiedAt: 'verified_at',
  closedAt: 'closed_at',
  overdueLevel: 'overdue_level',
  updatedAt: 'updated_at',
  version: 'version',
};
const SELECT = `SELECT ${Object.entries(COLS)
  .map(([k, c]) => `${c} AS ${k}`)
  .join(', ')}, five_json AS fiveJson FROM hazards`;

type Row = Omit<Hazard, 'five'> & { fiveJson: string | null };
const toHazard = ({ fiveJson, ...r }: Row): Hazard => ({
  ...r,
  five: fiveJson ? (JSON.parse(fiveJson) as Partial<FiveInPlace>) : null,
});

export type NewHazard = Omit<
  Hazard,
  | 'id'
  | 'level'
  | 'state'
  | 'responsibleUserId'
  | 'deadline'
  | 'five'
  | 'rectifiedBy'
  | 'rectifiedAt'
  | 'verifiedBy'
  | 'verifiedAt'
  | 'closedAt'
  | 'overdueLevel'
  | 'version'
>;

export class HazardsRepo {
  constructor(private readonly db: Db) {}

  insert(h: NewHazard): number {
    const cols = Object.keys(h) as (keyof NewHazard)[];
    const sql = `INSERT INTO hazards (${cols.map((c) => COLS[c]).join(', ')}, state)
      VALUES (${cols.map((c) => `@${c}`).join(', ')}, 'registered') RETURNING id`;
    return (this.db.prepare(sql).get(h) as { id: number }).id;
  }

  get(id: number): Hazard | undefined {
    const r = this.db.prepare(`${SELECT} WHERE id = ?`).get(id) as Row | undefined;
    return r ? toHazard(r) : undefined;
  }

  byViolation(violationId: string): Hazard | undefined {
    const r = this.db.prepare(`${SELECT} WHERE violation_id = ? ORDER BY id LIMIT 1`).get(violationId) as
      Row | undefined;
    return r ? toHazard(r) : undefined;
  }

  /** Optimistic update: fails (returns false) when someone else changed the hazard meanwhile. */
  update(id: number, version: number, patch: Partial<Hazard>): boolean {
    const sets: string[] = [];
    const params: Record<string, unknown> = { id, version };
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'five') {
        sets.push('five_json = @five');
        params.five = v === null ? null : JSON.stringify(v);
      } else if (k in COLS && k !== 'id' && k !== 'version') {
        sets.push(`${COLS[k as keyof typeof COLS]} = @${k}`);
        params[k] = v;
      }
    }
    const sql = `UPDATE hazards SET ${[...sets, 'version = version + 1'].join(', ')} WHERE id = @id AND version = @version`;
    return this.db.prepare(sql).run(params).changes === 1;
  }

  list(f: HazardFilter): Hazard[] {
    if (f.enterpriseIds.length === 0) return [];
    const where = [`enterprise_id IN (${f.enterpriseIds.map(() => '?').join(', ')})`];
    const args: unknown[] = [...f.enterpriseIds];
    for (const [cond, v] of [
      ['state = ?', f.state],
      ['level = ?', f.level],
      ['stage = ?', f.stage],
      ['responsible_user_id = ?', f.responsibleUserId],
      ['found_at >= ?', f.from],
      ['found_at < ?', f.to],
    ] as const) {
      if (v !== undefined) {
        where.push(cond);
        args.push(v);
      }
    }
    const rows = this.db
      .prepare(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY found_at, id LIMIT ?`)
      .all(...args, f.limit ?? 10_000) as Row[];
    return rows.map(toHazard);
  }

  /** Dispatched hazards past their deadline (candidates for escalation). */
  overdue(nowIso: string): Hazard[] {
    return (
      this.db
        .prepare(`${SELECT} WHERE state = 'dispatched' AND deadline < ? ORDER BY id`)
        .all(nowIso) as Row[]
    ).map(toHazard);
  }

  addTransition(t: Omit<HazardTransition, 'id'>): void {
    this.db
      .prepare(
        `INSERT INTO hazard_transitions (hazard_id, action, from_state, to_state, actor_user_id, actor_name, actor_role, at, reason, data_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        t.hazardId,
        t.action,
        t.fromState,
        t.toState,
        t.actorUserId,
        t.actorName,
        t.actorRole,
        t.at,
        t.reason,
        t.data ? JSON.stringify(t.data) : null,
      );
  }

  transitions(hazardId: number): HazardTransition[] {
    return (
      this.db
        .prepare(
          `SELECT id, hazard_id AS hazardId, action, from_state AS fromState, to_state AS toState,
             actor_user_id AS actorUserId, actor_name AS actorName, actor_role AS actorRole, at, reason,
             data_json AS dataJson FROM hazard_transitions WHERE hazard_id = ? ORDER BY id`,
        )
        .all(hazardId) as (Omit<HazardTransition, 'data'> & { dataJson: string | null })[]
    ).map(({ dataJson, ...t }) => ({
      ...t,
      data: dataJson ? (JSON.parse(dataJson) as Record<string, unknown>) : null,
    }));
  }

  addPhoto(p: Omit<HazardPhoto, 'id'> & { addedBy: number }): number {
    return (
      this.db
        .prepare(
          `INSERT INTO hazard_photos (hazard_id, kind, path, sha256, bytes, mime, added_by, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .get(p.hazardId, p.kind, p.path, p.sha256, p.bytes, p.mime, p.addedBy, p.at) as { id: number }
    ).id;
  }

  photos(hazardId: number): HazardPhoto[] {
    return this.db
      .prepare(
        `SELECT id, hazard_id AS hazardId, kind, path, sha256, bytes, mime, at FROM hazard_photos
         WHERE hazard_id = ? ORDER BY id`,
      )
      .all(hazardId) as HazardPhoto[];
  }

  /** Transitions to `toState` in a window, per enterprise (the weekly table counts rectifications). */
  transitionsInWindow(
    enterpriseIds: string[],
    toState: HazardState,
    from: string,
    to: string,
  ): HazardTransition[] {
    if (enterpriseIds.length === 0) return [];
    return this.db
      .prepare(
        `SELECT t.id, t.hazard_id AS hazardId, t.action, t.from_state AS fromState, t.to_state AS toState, t.at
         FROM hazard_transitions t JOIN hazards h ON h.id = t.hazard_id
         WHERE h.enterprise_id IN (${enterpriseIds.map(() => '?').join(', ')}) AND t.to_state = ? AND t.at >= ? AND t.at < ?
         ORDER BY t.id`,
      )
      .all(...enterpriseIds, toState, from, to) as HazardTransition[];
  }
}
