import type { Statement } from 'better-sqlite3';
import type { Db } from '../../platform/store/db.ts';

export interface Machine {
  id: string;
  enterpriseId: string;
  siteId: string;
  name: string;
  cameraId: string | null;
  lat: number;
  lon: number;
  tokenVersion: number;
  revoked: boolean;
}

export interface ScanRecord {
  enterpriseId: string | null;
  machineId: string | null;
  userId: number;
  lat: number | null;
  lon: number | null;
  accuracyM: number | null;
  distanceM: number | null;
  at: number;
  result: string;
  permitId: string | null;
  warnings: string[];
}

const cols = `id, enterprise_id AS enterpriseId, site_id AS siteId, name, camera_id AS cameraId, lat, lon,
  token_version AS tokenVersion, revoked`;
type Row = Omit<Machine, 'revoked'> & { revoked: number };
const toMachine = (r: Row): Machine => ({ ...r, revoked: r.revoked === 1 });

/** SQL of 一机一码: machines, scans, nonces, authorisations, telemetry and power sessions. */
export class MachinesRepo {
  constructor(private readonly db: Db) {}

  private readonly stmts = new Map<string, Statement>();
  /** Prepared once per SQL text (the scan path runs these hundreds of times a second). */
  private q(sql: string): Statement {
    let st = this.stmts.get(sql);
    if (!st) this.stmts.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  insert(m: Omit<Machine, 'tokenVersion' | 'revoked'>, now: number): void {
    this.q(
      `INSERT INTO machines (id, enterprise_id, site_id, name, camera_id, lat, lon, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(m.id, m.enterpriseId, m.siteId, m.name, m.cameraId, m.lat, m.lon, now);
  }

  get(id: string): Machine | undefined {
    const r = this.q(`SELECT ${cols} FROM machines WHERE id = ?`).get(id) as Row | undefined;
    return r ? toMachine(r) : undefined;
  }

  list(enterpriseIds: string[]): Machine[] {
    return (
      this.q(
        `SELECT ${cols} FROM machines WHERE enterprise_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
      ).all(JSON.stringify(enterpriseIds)) as Row[]
    ).map(toMachine);
  }

  bumpVersion(id: string, revoke: boolean): void {
    this.q('UPDATE machines SET token_version = token_version + 1, revoked = ? WHERE id = ?').run(
      revoke ? 1 : 0,
      id,
    );
  }

  recordScan(s: ScanRecord): number {
    const r = this.q(
      `INSERT INTO machine_scans (enterprise_id, machine_id, user_id, lat, lon, accuracy_m, distance_m, at, result,
           permit_id, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    ).get(
      s.enterpriseId,
      s.machineId,
      s.userId,
      s.lat,
      s.lon,
      s.accuracyM,
      s.distanceM,
      s.at,
      s.result,
      s.permitId,
      JSON.stringify(s.warnings),
    ) as { id: number };
    return r.id;
  }

  scans(machineId: string, limit: number): (ScanRecord & { id: number })[] {
    const rows = this.q(
      `SELECT id, enterprise_id AS enterpriseId, machine_id AS machineId, user_id AS userId, lat, lon,
           accuracy_m AS accuracyM, distance_m AS distanceM, at, result, permit_id AS permitId, warnings
         FROM machine_scans WHERE machine_id = ? ORDER BY id DESC LIMIT ?`,
    ).all(machineId, limit) as (ScanRecord & { id: number; warnings: string })[];
    return rows.map((r) => ({ ...r, warnings: JSON.parse(r.warnings) as string[] }));
  }

  /** Remembers a nonce; false if it was seen before (a replay). Old nonces are forgotten. */
  private lastPurge = 0;
  claimNonce(nonce: string, now: number, keepMs: number): boolean {
    if (now - this.lastPurge > 10_000) {
      this.lastPurge = now;
      this.q('DELETE FROM scan_nonces WHERE seen_at < ?').run(now - keepMs);
    }
    return (
      this.q('INSERT OR IGNORE INTO scan_nonces (nonce, seen_at) VALUES (?, ?)').run(nonce, now).changes === 1
    );
  }

  insertAuthorisation(a: {
    jti: string;
    machineId: string;
    permitId: string;
    userId: number;
    issuedAt: number;
    expiresAt: number;
  }): void {
    this.q(
      `INSERT INTO machine_authorisations (jti, machine_id, permit_id, user_id, issued_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(a.jti, a.machineId, a.permitId, a.userId, a.issuedAt, a.expiresAt);
  }

  /** Marks an authorisation used; false if unknown or already used (a replay). */
  useAuthorisation(jti: string, now: number): boolean {
    return (
      this.q('UPDATE machine_authorisations SET used_at = ? WHERE jti = ? AND used_at IS NULL').run(now, jti)
        .changes === 1
    );
  }

  recordTelemetry(
    machineId: string,
    powered: boolean,
    currentA: number,
    via: string,
    at: number,
    verdict: string,
  ): void {
    this.q(
      'INSERT INTO machine_telemetry (machine_id, powered, current_a, via, at, verdict) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(machineId, powered ? 1 : 0, currentA, via, at, verdict);
  }

  session(
    machineId: string,
  ): { jti: string | null; permitId: string | null; userId: number | null; poweredAt: number } | undefined {
    return this.q(
      'SELECT jti, permit_id AS permitId, user_id AS userId, powered_at AS poweredAt FROM machine_sessions WHERE machine_id = ?',
    ).get(machineId) as never;
  }

  openSession(
    machineId: string,
    jti: string | null,
    permitId: string | null,
    userId: number | null,
    at: number,
  ): void {
    this.q(
      `INSERT INTO machine_sessions (machine_id, jti, permit_id, user_id, powered_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(machine_id) DO UPDATE SET jti = excluded.jti, permit_id = excluded.permit_id,
         user_id = excluded.user_id, powered_at = excluded.powered_at`,
    ).run(machineId, jti, permitId, userId, at);
  }

  closeSession(machineId: string): number {
    return this.q('DELETE FROM machine_sessions WHERE machine_id = ?').run(machineId).changes;
  }
}
