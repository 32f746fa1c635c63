import type { Statement } from 'better-sqlite3';
import type { Db } from '../../platform/store/db.ts';
import type { Authority, GasTest, Permit, PermitState } from './domain/types.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** SQL of the permits module (permits, bindings, history, gas tests, gaps, authorities, presence). */
export class PermitsRepo {
  constructor(private readonly db: Db) {}

  private readonly stmts = new Map<string, Statement>();
  /** Prepared once per SQL text (the scan path runs these hundreds of times a second). */
  private q(sql: string): Statement {
    let st = this.stmts.get(sql);
    if (!st) this.stmts.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  insert(p: Permit): void {
    this.q(
      `INSERT INTO permits (id, number, enterprise_id, kind, state, valid_from, valid_to, doc, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      p.id,
      p.number,
      p.enterpriseId,
      p.kind,
      p.state,
      p.validFrom,
      p.validTo,
      JSON.stringify(p),
      iso(p.createdAt),
    );
    const bind = this.q('INSERT INTO permit_bindings (permit_id, kind, ref) VALUES (?, ?, ?)');
    for (const c of p.cameraIds) bind.run(p.id, 'camera', c);
    for (const m of p.machineIds) bind.run(p.id, 'machine', m);
    for (const l of p.lockIds) bind.run(p.id, 'lock', l);
  }

  update(p: Permit, now: number): void {
    this.q('UPDATE permits SET state = ?, doc = ?, updated_at = ? WHERE id = ?').run(
      p.state,
      JSON.stringify(p),
      iso(now),
      p.id,
    );
  }

  get(id: string): Permit | undefined {
    const r = this.q('SELECT doc FROM permits WHERE id = ?').get(id) as { doc: string } | undefined;
    return r ? (JSON.parse(r.doc) as Permit) : undefined;
  }

  list(enterpriseIds: string[], state: PermitState | undefined, limit: number): Permit[] {
    const rows = this.q(
      `SELECT doc FROM permits WHERE enterprise_id IN (SELECT value FROM json_each(?))
         AND (? IS NULL OR state = ?) ORDER BY valid_from DESC LIMIT ?`,
    ).all(JSON.stringify(enterpriseIds), state ?? null, state ?? null, limit) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as Permit);
  }

  /** Permits binding this camera / machine / lock, in one of the given states. */
  boundTo(kind: 'camera' | 'machine' | 'lock', ref: string, states: readonly PermitState[]): Permit[] {
    const rows = this.q(
      `SELECT p.doc FROM permit_bindings b JOIN permits p ON p.id = b.permit_id
         WHERE b.kind = ? AND b.ref = ? AND p.state IN (SELECT value FROM json_each(?))`,
    ).all(kind, ref, JSON.stringify(states)) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as Permit);
  }

  /** Non-terminal permits whose window has ended (for the expiry sweep). */
  overdue(now: number): Permit[] {
    const rows = this.q(
      `SELECT doc FROM permits WHERE valid_to < ? AND state NOT IN ('completed', 'revoked', 'expired')`,
    ).all(now) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as Permit);
  }

  /** Active permits of one kind (the confined-space gas monitoring check). */
  active(kind: string): Permit[] {
    const rows = this.q(`SELECT doc FROM permits WHERE state = 'active' AND kind = ?`).all(kind) as {
      doc: string;
    }[];
    return rows.map((r) => JSON.parse(r.doc) as Permit);
  }

  nextNumber(prefix: string): string {
    const r = this.q('SELECT COUNT(*) AS n FROM permits WHERE number LIKE ?').get(`${prefix}%`) as {
      n: number;
    };
    return `${prefix}${String(r.n + 1).padStart(4, '0')}`;
  }

  history(
    permitId: string,
    action: string,
    from: PermitState | null,
    to: PermitState,
    userId: number | null,
    reason: string | null,
    at: number,
  ): void {
    this.q(
      `INSERT INTO permit_history (permit_id, action, from_state, to_state, user_id, reason, at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(permitId, action, from, to, userId, reason, at);
  }

  historyOf(permitId: string): {
    action: string;
    from: string | null;
    to: string;
    userId: number | null;
    reason: string | null;
    at: number;
  }[] {
    return this.q(
      `SELECT action, from_state AS "from", to_state AS "to", user_id AS userId, reason, at
         FROM permit_history WHERE permit_id = ? ORDER BY id`,
    ).all(permitId) as never;
  }

  addGasTest(t: Omit<GasTest, 'id'>, recordedBy: number, now: number): GasTest {
    const r = this.q(
      `INSERT INTO gas_tests (permit_id, taken_at, analyst, o2_pct, combustible_pct, h2s_ppm, co_ppm, passed,
           failures, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    ).get(
      t.permitId,
      t.takenAt,
      t.analyst,
      t.o2Pct,
      t.combustiblePct,
      t.h2sPpm,
      t.coPpm,
      t.passed ? 1 : 0,
      JSON.stringify(t.failures),
      recordedBy,
      now,
    ) as { id: number };
    return { ...t, id: r.id };
  }

  gasTests(permitId: string): GasTest[] {
    const rows = this.q(
      `SELECT id, permit_id, taken_at, analyst, o2_pct, combustible_pct, h2s_ppm, co_ppm, passed, failures
         FROM gas_tests WHERE permit_id = ? ORDER BY taken_at`,
    ).all(permitId) as {
      id: number;
      permit_id: string;
      taken_at: number;
      analyst: string;
      o2_pct: number | null;
      combustible_pct: number;
      h2s_ppm: number | null;
      co_ppm: number | null;
      passed: number;
      failures: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      permitId: r.permit_id,
      takenAt: r.taken_at,
      analyst: r.analyst,
      o2Pct: r.o2_pct,
      combustiblePct: r.combustible_pct,
      h2sPpm: r.h2s_ppm,
      coPpm: r.co_ppm,
      passed: r.passed === 1,
      failures: JSON.parse(r.failures) as string[],
    }));
  }

  openGap(permitId: string, cameraId: string, state: string, reason: string, at: number): void {
    const open = this.q(
      'SELECT 1 FROM monitoring_gaps WHERE permit_id = ? AND camera_id = ? AND ended_at IS NULL',
    ).get(permitId, cameraId);
    if (open) return;
    this.q(
      'INSERT INTO monitoring_gaps (permit_id, camera_id, state, reason, started_at) VALUES (?, ?, ?, ?, ?)',
    ).run(permitId, cameraId, state, reason, at);
  }

  closeGaps(permitId: string, cameraId: string | null, at: number): number {
    return this.q(
      `UPDATE monitoring_gaps SET ended_at = ? WHERE permit_id = ? AND ended_at IS NULL
         AND (? IS NULL OR camera_id = ?)`,
    ).run(at, permitId, cameraId, cameraId).changes;
  }

  gaps(
    permitId: string,
  ): { cameraId: string; state: string; reason: string; startedAt: number; endedAt: number | null }[] {
    return this.q(
      `SELECT camera_id AS cameraId, state, reason, started_at AS startedAt, ended_at AS endedAt
         FROM monitoring_gaps WHERE permit_id = ? ORDER BY id`,
    ).all(permitId) as never;
  }

  authorityOf(userId: number): Authority | null {
    const r = this.q('SELECT authority FROM approval_authorities WHERE user_id = ?').get(userId) as
      { authority: Authority } | undefined;
    return r?.authority ?? null;
  }

  setAuthority(userId: number, authority: Authority, grantedBy: number, at: number): void {
    this.q(
      `INSERT INTO approval_authorities (user_id, authority, granted_by, granted_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(user_id) DO UPDATE SET authority = excluded.authority, granted_by = excluded.granted_by,
         granted_at = excluded.granted_at`,
    ).run(userId, authority, grantedBy, at);
  }

  checkIn(permitId: string, userId: number, at: number): void {
    if (this.guardianCheckedIn(permitId, userId)) return;
    this.q('INSERT INTO guardian_presence (permit_id, user_id, checked_in_at) VALUES (?, ?, ?)').run(
      permitId,
      userId,
      at,
    );
  }

  checkOut(permitId: string, userId: number, at: number): number {
    return this.q(
      'UPDATE guardian_presence SET checked_out_at = ? WHERE permit_id = ? AND user_id = ? AND checked_out_at IS NULL',
    ).run(at, permitId, userId).changes;
  }

  guardianCheckedIn(permitId: string, userId: number): boolean {
    return !!this.q(
      'SELECT 1 FROM guardian_presence WHERE permit_id = ? AND user_id = ? AND checked_out_at IS NULL',
    ).get(permitId, userId);
  }
}
