import type { Statement } from 'better-sqlite3';
import type { Db } from '../../platform/store/db.ts';
import type { Certificate } from './certificate-standing.ts';

export type { Certificate };

export interface CertificateReview {
  id: number;
  certificateId: number;
  reviewedAt: number;
  previousDueAt: number;
  nextDueAt: number;
  recordedBy: number;
}

const cols = `id, enterprise_id AS enterpriseId, user_id AS userId, number, category, issued_at AS issuedAt,
  expires_at AS expiresAt, review_due_at AS reviewDueAt, revoked`;
type Row = Omit<Certificate, 'revoked'> & { revoked: number };
const toCert = (r: Row): Certificate => ({ ...r, revoked: r.revoked === 1 });

/** SQL of 特种作业操作证 records and their 复审 (reviews). */
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
      `INSERT INTO certificates (enterprise_id, user_id, number, category, issued_at, expires_at, review_due_at,
         created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    ).get(c.enterpriseId, c.userId, c.number, c.category, c.issuedAt, c.expiresAt, c.reviewDueAt, now) as {
      id: number;
    };
    return { ...c, id: r.id, revoked: false };
  }

  exists(category: string, number: string): boolean {
    return !!this.q('SELECT 1 FROM certificates WHERE category = ? AND number = ?').get(category, number);
  }

  ofUser(userId: number, category: string): Certificate[] {
    const rows = this.q(
      `SELECT ${cols} FROM certificates WHERE user_id = ? AND category = ? ORDER BY expires_at DESC`,
    ).all(userId, category) as Row[];
    return rows.map(toCert);
  }

  /** Every card of these holders in these categories (a permit's workers × its kind's categories). */
  ofUsers(userIds: readonly number[], categories: readonly string[]): Certificate[] {
    if (userIds.length === 0 || categories.length === 0) return [];
    const rows = this.q(
      `SELECT ${cols} FROM certificates WHERE user_id IN (SELECT value FROM json_each(?))
         AND category IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ).all(JSON.stringify(userIds), JSON.stringify(categories)) as Row[];
    return rows.map(toCert);
  }

  list(enterpriseIds: string[]): Certificate[] {
    const rows = this.q(
      `SELECT ${cols} FROM certificates WHERE enterprise_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ).all(JSON.stringify(enterpriseIds)) as Row[];
    return rows.map(toCert);
  }

  revoke(id: number): number {
    return this.q('UPDATE certificates SET revoked = 1 WHERE id = ?').run(id).changes;
  }

  get(id: number): Certificate | undefined {
    const r = this.q(`SELECT ${cols} FROM certificates WHERE id = ?`).get(id) as Row | undefined;
    return r ? toCert(r) : undefined;
  }

  /** A passed review and the due date it moves to, in one step. */
  recordReview(r: Omit<CertificateReview, 'id'>, now: number): CertificateReview {
    return this.db.transaction(() => {
      this.q('UPDATE certificates SET review_due_at = ? WHERE id = ?').run(r.nextDueAt, r.certificateId);
      const row = this.q(
        `INSERT INTO certificate_reviews (certificate_id, reviewed_at, previous_due_at, next_due_at, recorded_by,
           created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
      ).get(r.certificateId, r.reviewedAt, r.previousDueAt, r.nextDueAt, r.recordedBy, now) as { id: number };
      return { ...r, id: row.id };
    })();
  }

  reviewsOf(certificateId: number): CertificateReview[] {
    return this.q(
      `SELECT id, certificate_id AS certificateId, reviewed_at AS reviewedAt, previous_due_at AS previousDueAt,
         next_due_at AS nextDueAt, recorded_by AS recordedBy FROM certificate_reviews
         WHERE certificate_id = ? ORDER BY reviewed_at`,
    ).all(certificateId) as CertificateReview[];
  }
}
