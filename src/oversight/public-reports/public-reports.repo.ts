import type { Db } from '../../platform/store/db.ts';

export interface PosterToken {
  token: string;
  enterpriseId: string;
  createdAt: string;
}

export interface PublicReportRow {
  hazardId: number;
  enterpriseId: string;
  contact: string | null;
  createdAt: string;
}

/** Poster tokens and report receipts (migration 075). */
export class PublicReportsRepo {
  constructor(private readonly db: Db) {}

  liveToken(enterpriseId: string): PosterToken | undefined {
    return this.db
      .prepare(
        `SELECT token, enterprise_id AS enterpriseId, created_at AS createdAt FROM public_report_tokens
         WHERE enterprise_id = ? AND revoked_at IS NULL`,
      )
      .get(enterpriseId) as PosterToken | undefined;
  }

  /** The live token's enterprise; a revoked or unknown token finds nothing. */
  byToken(token: string): PosterToken | undefined {
    return this.db
      .prepare(
        `SELECT token, enterprise_id AS enterpriseId, created_at AS createdAt FROM public_report_tokens
         WHERE token = ? AND revoked_at IS NULL`,
      )
      .get(token) as PosterToken | undefined;
  }

  insertToken(t: PosterToken, createdBy: number): void {
    this.db
      .prepare(
        'INSERT INTO public_report_tokens (token, enterprise_id, created_at, created_by) VALUES (?, ?, ?, ?)',
      )
      .run(t.token, t.enterpriseId, t.createdAt, createdBy);
  }

  revoke(enterpriseId: string, at: string): number {
    return this.db
      .prepare(
        'UPDATE public_report_tokens SET revoked_at = ? WHERE enterprise_id = ? AND revoked_at IS NULL',
      )
      .run(at, enterpriseId).changes;
  }

  insertReport(r: PublicReportRow & { receiptHash: string; token: string }): void {
    this.db
      .prepare(
        `INSERT INTO public_reports (receipt_hash, hazard_id, enterprise_id, token, contact, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(r.receiptHash, r.hazardId, r.enterpriseId, r.token, r.contact, r.createdAt);
  }

  byReceiptHash(hash: string): PublicReportRow | undefined {
    return this.db
      .prepare(
        `SELECT hazard_id AS hazardId, enterprise_id AS enterpriseId, contact, created_at AS createdAt
         FROM public_reports WHERE receipt_hash = ?`,
      )
      .get(hash) as PublicReportRow | undefined;
  }

  byHazard(hazardId: number): PublicReportRow | undefined {
    return this.db
      .prepare(
        `SELECT hazard_id AS hazardId, enterprise_id AS enterpriseId, contact, created_at AS createdAt
         FROM public_reports WHERE hazard_id = ?`,
      )
      .get(hazardId) as PublicReportRow | undefined;
  }

  /** The system actor's id (migration 075), the registrant of every reported hazard. */
  systemActorId(): number | undefined {
    return (
      this.db.prepare("SELECT id FROM users WHERE username = 'system:public-report'").get() as
        { id: number } | undefined
    )?.id;
  }
}
