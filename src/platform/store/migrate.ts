import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Numbered migrations `NNN-name.sql`, applied in order at start, each in its own transaction.
 * Ranges by owner keep parallel work apart: 001-009 foundation, 010-019 ingest, 020-029 violations and
 * evidence, 030-039 permits, 040-049 audit and closed loop, 050+ later.
 */
export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out = readdirSync(dir)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .map((f) => ({
      version: Number(f.slice(0, 3)),
      name: f.slice(4, -4),
      sql: readFileSync(dir + f, 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
  const versions = new Set<number>();
  for (const m of out) {
    if (versions.has(m.version)) throw new Error(`two migrations share version ${m.version}`);
    versions.add(m.version);
  }
  return out;
}

export function migrate(db: Db, migrations = listMigrations()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    })();
    applied.push(m.version);
  }
  return applied;
}
