import type { Db } from '../store/db.ts';

export class SessionsRepo {
  constructor(private readonly db: Db) {}

  create(tokenHash: string, userId: number, createdAt: string, expiresAt: string): void {
    this.db
      .prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(tokenHash, userId, createdAt, expiresAt);
  }

  find(tokenHash: string): { userId: number; expiresAt: string } | undefined {
    const r = this.db
      .prepare('SELECT user_id, expires_at FROM sessions WHERE token_hash = ?')
      .get(tokenHash) as { user_id: number; expires_at: string } | undefined;
    return r ? { userId: r.user_id, expiresAt: r.expires_at } : undefined;
  }

  delete(tokenHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  /** Signs a user out everywhere (password changed, account disabled). */
  deleteForUser(userId: number): number {
    return this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
  }

  deleteExpired(now: string): number {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
  }
}
