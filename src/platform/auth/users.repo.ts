import type { Db } from '../store/db.ts';
import type { Role } from '../../config/schema.ts';
import type { Principal } from './principal.ts';

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  enterprise_id: string | null;
  region_id: string | null;
  password_hash: string;
  disabled: number;
  origin: UserOrigin;
}

/** Who made an account: the config file (synced at start) or an enterprise admin through the API. */
export type UserOrigin = 'config' | 'api';

export interface UserUpsert {
  username: string;
  displayName: string;
  role: Role;
  enterpriseId: string | null;
  regionId: string | null;
  passwordHash: string;
}

const toPrincipal = (r: UserRow): Principal => ({
  userId: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  enterpriseId: r.enterprise_id,
  regionId: r.region_id,
});

export class UsersRepo {
  constructor(private readonly db: Db) {}

  /**
   * A new account, or undefined when the username is taken: one INSERT, so two parallel creates of one
   * name cannot both pass a check-then-write and the second overwrite the first (#23).
   */
  insert(u: UserUpsert, origin: UserOrigin, at: string): number | undefined {
    const row = this.db
      .prepare(
        `INSERT INTO users (username, display_name, role, enterprise_id, region_id, password_hash, created_at, origin)
         VALUES (@username, @displayName, @role, @enterpriseId, @regionId, @passwordHash, @at, @origin)
         ON CONFLICT(username) DO NOTHING
         RETURNING id`,
      )
      .get({ ...u, at, origin }) as { id: number } | undefined;
    return row?.id;
  }

  /** Overwrites a config-made account from the config; never touches an API-made one. */
  updateFromConfig(id: number, u: UserUpsert): void {
    this.db
      .prepare(
        `UPDATE users SET display_name = @displayName, role = @role, enterprise_id = @enterpriseId,
           region_id = @regionId, password_hash = @passwordHash
         WHERE id = @id AND origin = 'config'`,
      )
      .run({ ...u, id });
  }

  /** The stored account of a username for config sync: its origin and what a change would end. */
  forSync(username: string):
    | {
        id: number;
        origin: UserOrigin;
        role: Role;
        enterpriseId: string | null;
        regionId: string | null;
        passwordHash: string;
      }
    | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return r
      ? {
          id: r.id,
          origin: r.origin,
          role: r.role,
          enterpriseId: r.enterprise_id,
          regionId: r.region_id,
          passwordHash: r.password_hash,
        }
      : undefined;
  }

  /** Returns the stored hash too: only the auth service may see it. */
  findForLogin(username: string): { principal: Principal; passwordHash: string } | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ? AND disabled = 0').get(username) as
      UserRow | undefined;
    return r ? { principal: toPrincipal(r), passwordHash: r.password_hash } : undefined;
  }

  byId(id: number): Principal | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE id = ? AND disabled = 0').get(id) as
      UserRow | undefined;
    return r ? toPrincipal(r) : undefined;
  }

  byUsername(username: string): Principal | undefined {
    return this.findForLogin(username)?.principal;
  }

  /** Users of the given enterprises, disabled ones included (for the admin screen). */
  listForAdmin(enterpriseIds: string[]): (Principal & { disabled: boolean })[] {
    const rows = this.db
      .prepare(`SELECT * FROM users WHERE enterprise_id IN (SELECT value FROM json_each(?)) ORDER BY id`)
      .all(JSON.stringify(enterpriseIds)) as UserRow[];
    return rows.map((r) => ({ ...toPrincipal(r), disabled: r.disabled === 1 }));
  }

  /** Any user by id, disabled or not, with its flag. */
  findAny(id: number): (Principal & { disabled: boolean }) | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return r ? { ...toPrincipal(r), disabled: r.disabled === 1 } : undefined;
  }

  exists(username: string): boolean {
    return this.db.prepare('SELECT 1 FROM users WHERE username = ?').get(username) !== undefined;
  }

  update(
    id: number,
    patch: { displayName?: string; role?: Role; passwordHash?: string; disabled?: boolean },
  ): void {
    this.db
      .prepare(
        `UPDATE users SET display_name = COALESCE(@displayName, display_name), role = COALESCE(@role, role),
           password_hash = COALESCE(@passwordHash, password_hash), disabled = COALESCE(@disabled, disabled)
         WHERE id = @id`,
      )
      .run({
        id,
        displayName: patch.displayName ?? null,
        role: patch.role ?? null,
        passwordHash: patch.passwordHash ?? null,
        disabled: patch.disabled === undefined ? null : patch.disabled ? 1 : 0,
      });
  }

  list(enterpriseIds: string[] | 'all'): Principal[] {
    const rows =
      enterpriseIds === 'all'
        ? (this.db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[])
        : (this.db
            .prepare(
              `SELECT * FROM users WHERE enterprise_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
            )
            .all(JSON.stringify(enterpriseIds)) as UserRow[]);
    return rows.map(toPrincipal);
  }
}
