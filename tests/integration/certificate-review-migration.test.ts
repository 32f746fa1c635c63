import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/platform/store/db.ts';
import { listMigrations, migrate } from '../../src/platform/store/migrate.ts';
import { standingIn } from '../../src/work/certificates/certificate-standing.ts';
import { CertificatesRepo } from '../../src/work/certificates/certificates.repo.ts';

/** Migration 035 gives cards registered before 复审 was recorded a review date: issue + 3 years. */
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const DAY = 86_400_000;

describe('migration 035: review dates for older certificates', () => {
  it('sets review_due_at to about three years after issue, so an unreviewed old card is review_overdue', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jh-mig-'));
    dirs.push(dir);
    const db = openDb(join(dir, 'jianhu.db'));
    const all = listMigrations();
    migrate(
      db,
      all.filter((m) => m.version < 35),
    );
    db.exec(`INSERT INTO regions VALUES ('r', '县'); INSERT INTO enterprises VALUES ('e', '厂', 'r', '冶金');
      INSERT INTO users (id, username, display_name, role, enterprise_id, password_hash, created_at)
        VALUES (7, 'w', '焊工', 'welder', 'e', 'x', '')`);
    const issued = Date.parse('2021-03-01T00:00:00+08:00');
    const add = db.prepare(
      `INSERT INTO certificates (enterprise_id, user_id, number, category, issued_at, expires_at, created_at)
         VALUES ('e', 7, ?, '焊接与热切割作业', ?, ?, 0)`,
    );
    add.run('OLD', issued, issued + 6 * 365 * DAY);
    expect(migrate(db)).toEqual(all.filter((m) => m.version >= 35).map((m) => m.version));
    const [card] = new CertificatesRepo(db).ofUser(7, '焊接与热切割作业');
    expect(card!.reviewDueAt).toBe(issued + 3 * 365 * DAY + DAY);
    expect(standingIn([card!], '焊接与热切割作业', issued + 2 * 365 * DAY).ok).toBe(true);
    expect(standingIn([card!], '焊接与热切割作业', issued + 4 * 365 * DAY)).toMatchObject({
      ok: false,
      reason: 'review_overdue',
    });
    db.close();
  });
});
