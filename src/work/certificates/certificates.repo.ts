import type { Statement } from 'better-sqlite3';
import type { Db } from '../../platform/store/db.ts';

export interface Certificate {
  id: number;
  enterpriseId: string;
  userId: number;
  number: string;
  category: string;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

const cols = `id, enterprise_id AS enterpriseId, user_id AS userId, number, category, issued_at AS issuedAt,
  expires_at AS expiresAt, revoked`;

/** SQL of 特种作业操作证 records. */
export class CertificatesRepo {
  constructor(private readonly db: Db) {}

  private readonly stmts = new Map<string, Statement>();
  /** Prepared once per SQL text (the scan path runs these hundreds of times a second). */
  private q(sql: string): Statement {
    let st = this.stmts.get(sql);
    if (!st) this.stmts.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  insert(c: Omit<Certificate, 'id' | 'revoked'>, now: number): Certificate {
    const r = this.q(
      `INSERT INTO certificates (enterprise_id, user_id, number, category, issued_at, expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    ).get(c.enterpriseId, c.userId, c.number, c.category, c.issuedAt, c.expiresAt, now) as { id: number };
    return { ...c, id: r.id, revoked: false };
  }

  exists(category: string, number: string): boolean {
    return !!this.q('SELECT 1 FROM certificates WHERE category = ? AND number = ?').get(category, number);
  }

  ofUser(userId: number, category: string): Certificate[] {
    const rows = this.q(
      `SELECT ${cols} FROM certificates WHERE user_id = ? AND category = ? ORDER BY expires_at DESC`,
    ).all(userId, category) as (Omit<Certificate, 'revoked'> & { revoked: number })[];
    return rows.map((r) => ({ ...r, revoked: r.revoked === 1 }));
  }

  list(enterpriseIds: string[]): Certificate[] {
    const rows = this.q(
      `SELECT ${cols} FROM certificates WHERE enterprise_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ).all(JSON.stringify(enterpriseIds)) as (Omit<Certificate, 'revoked'> & { revoked: number })[];
    return rows.map((r) => ({ ...r, revoked: r.revoked === 1 }));
  }

  revoke(id: number): number {
    return this.q('UPDATE certificates SET revoked = 1 WHERE id = ?').run(id).changes;
  }

  get(id: number): Certificate | undefined {
    const r = this.q(`SELECT ${cols} FROM certificates WHERE id = ?`).get(id) as
      (Omit<Certificate, 'revoked'> & { revoked: number }) | undefined;
    return r ? { ...r, revoked: r.revoked === 1 } : undefined;
  }
}
