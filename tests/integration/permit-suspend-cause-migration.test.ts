import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/platform/store/db.ts';
import { listMigrations, migrate } from '../../src/platform/store/migrate.ts';

/** Migration 034 gives permits suspended before typed causes existed their cause, from the text once. */
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('migration 034: typed suspension causes for older permits', () => {
  it('reads the leading code of each old suspendReason into suspendCause, and leaves other permits alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jh-mig-'));
    dirs.push(dir);
    const db = openDb(join(dir, 'jianhu.db'));
    const all = listMigrations();
    migrate(
      db,
      all.filter((m) => m.version < 34),
    );
    db.exec(
      "INSERT INTO regions VALUES ('r', '县'); INSERT INTO enterprises VALUES ('e', '厂', 'r', '冶金')",
    );
    const add = db.prepare(
      `INSERT INTO permits (id, number, enterprise_id, kind, state, valid_from, valid_to, doc, updated_at)
         VALUES (?, ?, 'e', 'hot_work', ?, 0, 1, ?, '')`,
    );
    const old = {
      a: ['suspended', 'monitoring_lost 监控中断：cam-weld 离线 offline'],
      b: ['suspended', 'guardian_left 监护人离开'],
      c: ['suspended', 'gas_monitoring_overdue 气体监测超过2小时未记录'],
      d: ['suspended', '大风停工'],
      e: ['active', null],
      f: ['revoked', '作业人员无证'],
    } as const;
    for (const [id, [state, reason]] of Object.entries(old))
      add.run(id, `N-${id}`, state, JSON.stringify({ id, state, suspendReason: reason }));

    expect(migrate(db)).toEqual(all.filter((m) => m.version >= 34).map((m) => m.version));
    const cause = (id: string) =>
      JSON.parse((db.prepare('SELECT doc FROM permits WHERE id = ?').get(id) as { doc: string }).doc)
        .suspendCause;
    expect(cause('a')).toEqual({
      kind: 'monitoring_lost',
      cameraId: 'cam-weld',
      stateZh: '离线',
      state: 'offline',
    });
    expect(cause('b')).toEqual({ kind: 'guardian_left' });
    expect(cause('c')).toEqual({ kind: 'gas_monitoring_overdue', everyHours: 2 });
    expect(cause('d')).toEqual({ kind: 'manual', note: '大风停工' });
    expect(cause('e')).toBeUndefined();
    expect(cause('f')).toBeUndefined();
    db.close();
  });
});
