import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { Config } from '../../config/schema.ts';
import type { Db } from '../../platform/store/db.ts';
import { loadCommandConfig } from './command-input.ts';

/** The options both audit commands take: where the store is, and which range of the chain. */
export const STORE_AND_RANGE_OPTIONS = {
  db: { type: 'string' },
  'data-dir': { type: 'string' },
  config: { type: 'string', short: 'c' },
  from: { type: 'string' },
  to: { type: 'string' },
} as const;

/** Where the audit commands find the store: --db/--data-dir, else the config file's, else defaults. */
export function storeLocation(values: {
  config?: string;
  db?: string;
  'data-dir'?: string;
}):
  | { dbPath: string; dataDir: string; checkpointEveryMinutes: number; recording: Config['recording'] }
  | { error: string } {
  const config = loadCommandConfig(values.config);
  if ('error' in config) return config;
  return {
    dbPath: values.db ?? config.store.path,
    dataDir: values['data-dir'] ?? config.store.dataDir,
    checkpointEveryMinutes: config.audit.checkpointEveryMinutes,
    recording: config.recording,
  };
}

export function openExisting(path: string, readonly: boolean): Db | { error: string } {
  if (!existsSync(path)) return { error: `database not found 数据库不存在: ${path}\n` };
  const db = new Database(path, { readonly, fileMustExist: true });
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_chain'").get();
  if (!has) {
    db.close();
    return { error: `no audit chain in ${path} (not a jianhu database, or never started) 无审计链\n` };
  }
  return db;
}
