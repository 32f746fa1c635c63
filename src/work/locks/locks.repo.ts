import type { Statement } from 'better-sqlite3';
import type { Db } from '../../platform/store/db.ts';

export interface Lock {
  id: string;
  enterpriseId: string;
  siteId: string;
  name: string;
  code: string;
  cameraId: string;
  state: 'locked' | 'open';
}

export interface Grant {
  id: string;
  lockId: string;
  permitId: string;
  userId: number;
  issuedAt: number;
  expiresAt: number;
  usedAt: number | null;
}

const lockCols = `id, enterprise_id AS enterpriseId, site_id AS siteId, name, code, camera_id AS cameraId, state`;

/** SQL of 加锁赋码: locks, unlock grants, lock events and confined-space entries. */
export class LocksRepo {
  constructor(private readonly db: Db) {}

  private readonly stmts = new Map<string, Statement>();
  /** Prepared once per SQL text (the scan path runs these hundreds of times a second). */
  private q(sql: string): Statement {
    let st = this.stmts.get(sql);
    if (!st) this.stmts.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  insert(l: Omit<Lock, 'state'>, now: number): void {
    this.q(
      `INSERT INTO locks (id, enterprise_id, site_id, name, code, camera_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(l.id, l.enterpriseId, l.siteId, l.name, l.code, l.cameraId, now);
  }

  get(id: string): Lock | undefined {
    return this.q(`SELECT ${lockCols} FROM locks WHERE id = ?`).get(id) as Lock | undefined;
  }

  byCode(code: string): Lock | undefined {
    return this.q(`SELECT ${lockCols} FROM locks WHERE code = ?`).get(code) as Lock | undefined;
  }

  list(enterpriseIds: string[]): Lock[] {
    return this.q(
      `SELECT ${lockCols} FROM locks WHERE enterprise_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ).all(JSON.stringify(enterpriseIds)) as Lock[];
  }

  setState(id: string, state: Lock['state']): void {
    this.q('UPDATE locks SET state = ? WHERE id = ?').run(state, id);
  }

  insertGrant(g: Omit<Grant, 'usedAt'>): void {
    this.q(
      'INSERT INTO lock_grants (id, lock_id, permit_id, user_id, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(g.id, g.lockId, g.permitId, g.userId, g.issuedAt, g.expiresAt);
  }

  /** Consumes a grant for this lock if it is unused and unexpired; returns it, or undefined. */
  useGrant(id: string, lockId: string, now: number): Grant | undefined {
    const changed = this.q(
      'UPDATE lock_grants SET used_at = ? WHERE id = ? AND lock_id = ? AND used_at IS NULL AND expires_at >= ?',
    ).run(now, id, lockId, now).changes;
    if (changed !== 1) return undefined;
    return this.q(
      `SELECT id, lock_id AS lockId, permit_id AS permitId, user_id AS userId, issued_at AS issuedAt,
         expires_at AS expiresAt, used_at AS usedAt FROM lock_grants WHERE id = ?`,
    ).get(id) as Grant;
  }

  recordEvent(
    lockId: string,
    event: string,
    grantId: string | null,
    authorised: boolean,
    via: string,
    at: number,
  ): number {
    return Number(
      this.q(
        'INSERT INTO lock_events (lock_id, event, grant_id, authorised, via, at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(lockId, event, grantId, authorised ? 1 : 0, via, at).lastInsertRowid,
    );
  }

  events(lockId: string, limit: number) {
    return this.q(
      `SELECT event, grant_id AS grantId, authorised, via, at FROM lock_events WHERE lock_id = ? ORDER BY id DESC LIMIT ?`,
    ).all(lockId, limit) as {
      event: string;
      grantId: string | null;
      authorised: number;
      via: string;
      at: number;
    }[];
  }

  recordEntry(e: {
    permitId: string;
    lockId: string;
    person: string;
    direction: 'in' | 'out';
    tools: string;
    recordedBy: number;
    at: number;
  }): void {
    this.q(
      `INSERT INTO confined_entries (permit_id, lock_id, person, direction, tools, recorded_by, at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(e.permitId, e.lockId, e.person, e.direction, e.tools, e.recordedBy, e.at);
  }

  /** Per person: entries minus exits under a permit. */
  inside(permitId: string): Map<string, number> {
    const rows = this.q(
      `SELECT person, SUM(CASE direction WHEN 'in' THEN 1 ELSE -1 END) AS n FROM confined_entries
         WHERE permit_id = ? GROUP BY person`,
    ).all(permitId) as { person: string; n: number }[];
    return new Map(rows.map((r) => [r.person, r.n]));
  }

  /** People inside under a permit: each person's entries minus exits, never below zero. */
  peopleInside(permitId: string): number {
    return [...this.inside(permitId).values()].reduce((a, b) => a + Math.max(0, b), 0);
  }

  entries(permitId: string) {
    return this.q(
      `SELECT lock_id AS lockId, person, direction, tools, recorded_by AS recordedBy, at FROM confined_entries
         WHERE permit_id = ? ORDER BY id`,
    ).all(permitId) as {
      lockId: string;
      person: string;
      direction: string;
      tools: string;
      recordedBy: number;
      at: number;
    }[];
  }
}
