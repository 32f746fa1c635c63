import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/platform/store/db.ts';
import { listMigrations, migrate } from '../../src/platform/store/migrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'jianhu-kill9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('store durability', () => {
  it('loses no acknowledged row when the writer is killed with SIGKILL mid-burst', async () => {
    const dbPath = join(dir, 'burst.db');
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/write-burst.ts', dbPath], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked: number[] = [];
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) if (/^\d+$/.test(line)) acked.push(Number(line));
        if (acked.length >= 400) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    await new Promise((r) => child.once('exit', r).once('close', r));
    expect(child.signalCode).toBe('SIGKILL');
    const db = openDb(dbPath);
    const ids = new Set((db.prepare('SELECT id FROM outbox').all() as { id: number }[]).map((r) => r.id));
    const missing = acked.filter((id) => !ids.has(id));
    expect(acked.length).toBeGreaterThanOrEqual(400);
    expect(missing).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('applies numbered migrations once, in order', () => {
    const db = openDb(join(dir, 'm.db'));
    const first = migrate(db);
    expect(first).toEqual(listMigrations().map((m) => m.version));
    expect(migrate(db)).toEqual([]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
