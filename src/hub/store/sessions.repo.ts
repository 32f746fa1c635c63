import type pg from 'pg';

/** The hub desk's login sessions (hub_sessions): only a token's hash is stored. */
export class SessionsRepo {
  constructor(private readonly db: pg.Pool) {}

  async create(tokenHash: string, username: string, expiresAt: Date): Promise<void> {
    await this.db.query(
      'INSERT INTO hub_sessions (token_hash, username, created_at, expires_at) VALUES ($1, $2, now(), $3)',
      [tokenHash, username, expiresAt],
    );
  }

  async find(tokenHash: string): Promise<{ username: string; expiresAt: Date } | undefined> {
    const r = await this.db.query<{ username: string; expires_at: Date }>(
      'SELECT username, expires_at FROM hub_sessions WHERE token_hash = $1',
      [tokenHash],
    );
    const x = r.rows[0];
    return x ? { username: x.username, expiresAt: x.expires_at } : undefined;
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.query('DELETE FROM hub_sessions WHERE token_hash = $1', [tokenHash]);
  }

  async deleteExpired(): Promise<void> {
    await this.db.query('DELETE FROM hub_sessions WHERE expires_at <= now()');
  }
}
