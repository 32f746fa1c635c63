import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The attacker's move and the regulator's check: a fresh copy of the data folder `store` (made under
 * `work`), edited by SQL and/or a file change, then `jianhu audit verify` run as a process — the
 * installed command, or another build's through JIANHU_VERIFY_CLI (to show an attack passed before).
 */
export function verifyTamperedCopy(
  store: string,
  work: string,
  sql: readonly string[],
  files: (dir: string) => void = () => {},
): { code: number; out: string } {
  const d = mkdtempSync(join(work, 'case-'));
  cpSync(store, d, { recursive: true });
  const db = new Database(join(d, 'jianhu.db'));
  for (const s of sql) db.prepare(s).run();
  db.close();
  files(d);
  const cli = process.env.JIANHU_VERIFY_CLI ?? 'bin/jianhu.mjs';
  try {
    const args = [cli, 'audit', 'verify', '--db', join(d, 'jianhu.db'), '--data-dir', d];
    return { code: 0, out: execFileSync(process.execPath, args, { stdio: 'pipe', encoding: 'utf8' }) };
  } catch (e) {
    const x = e as { status: number; stdout: string; stderr: string };
    return { code: x.status, out: x.stdout + x.stderr };
  }
}
