import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { AuditService } from '../../src/oversight/audit/audit.service.ts';
import { nextEntry, type ChainEntry } from '../../src/platform/events/chain.ts';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { createLogger } from '../../src/platform/shared/logger.ts';
import { createServices } from '../../src/services.ts';
import { testConfigInput } from '../helpers/test-service.ts';

/**
 * #23, as the attacker did it: a real service writes a real SQLite file (1,250 chained events, one of
 * them a 无票动火 no_permit_hot_work violation, checkpoints every ten minutes of its clock), its
 * signing key in a folder of its own and its anchor file in another. Each case copies the data folder,
 * rewrites it with sqlite the way someone holding the files would, and runs the installed command
 * `node bin/jianhu.mjs audit verify` as a process: it must exit 1 and say what is wrong.
 */
let root: string;
let data: string; // the data folder the service left behind
let keyFile: string;
let anchorFile: string;
const N = 1250;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jianhu-rewrite-'));
  data = join(root, 'data');
  keyFile = join(root, 'keys', 'audit-signing.key');
  anchorFile = join(root, 'anchor', 'checkpoints.jsonl');
  const config = validateConfig(
    testConfigInput(data, { audit: { signingKeyFile: keyFile, anchorFile, checkpointEveryMinutes: 10 } }),
  );
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 0, 0, 0));
  const services = await createServices(config, { clock, logger: createLogger('silent') });
  for (let i = 1; i <= N; i++) {
    if (i === 40)
      services.bus.publish('machine.violationDetected', 'ent-a', {
        machineId: 'weld-7',
        siteId: 'site-a',
        kind: 'no_permit_hot_work',
        severity: 'major',
        titleZh: '无票动火',
        title: 'Hot work without a permit',
        permitId: null,
        currentA: 86,
        at: new Date(clock.now()).toISOString(),
      });
    else services.bus.publish('user.loggedIn', 'ent-a', { userId: i, username: `welder-${i % 7}` });
    clock.advance(2_000);
    if (i % 300 === 0) services.oversight.chain.checkpoint(); // the ten-minute timer, on the fake clock
  }
  await services.close(); // signs the head on stop
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function copy(): { db: string; data: string } {
  const d = mkdtempSync(join(root, 'case-'));
  cpSync(data, d, { recursive: true });
  return { db: join(d, 'jianhu.db'), data: d };
}

/**
 * The installed command line, as a process: exit code and everything it printed. JIANHU_VERIFY_CLI
 * points it at another build's bin/jianhu.mjs (how RELIABILITY.md shows these attacks passed before).
 */
const CLI = process.env.JIANHU_VERIFY_CLI ?? 'bin/jianhu.mjs';
function cli(s: { db: string; data: string }, extra: string[] = []): { code: number; out: string } {
  try {
    const out = execFileSync(
      process.execPath,
      [CLI, 'audit', 'verify', '--db', s.db, '--data-dir', s.data, ...extra],
      { stdio: 'pipe', encoding: 'utf8' },
    );
    return { code: 0, out };
  } catch (e) {
    const x = e as { status: number; stdout: string; stderr: string };
    return { code: x.status, out: x.stdout + x.stderr };
  }
}

/** What the attacker runs: edits, then recomputes every payload hash and every chain hash in order. */
function rewrite(dbFile: string, edit: (db: Database.Database) => void): void {
  const db = new Database(dbFile);
  db.transaction(() => {
    edit(db);
    const rows = db
      .prepare(
        'SELECT c.seq, c.outbox_id, c.type, c.enterprise_id, c.occurred_at, o.payload FROM audit_chain c JOIN outbox o ON o.id = c.outbox_id ORDER BY c.seq',
      )
      .all() as {
      outbox_id: number;
      type: string;
      enterprise_id: string | null;
      occurred_at: string;
      payload: string;
    }[];
    db.prepare('DELETE FROM audit_chain').run();
    const put = db.prepare(
      'INSERT INTO audit_chain (seq, outbox_id, type, enterprise_id, occurred_at, payload_sha256, prev_hash, hash) VALUES (@seq, @outboxId, @type, @enterpriseId, @occurredAt, @payloadSha256, @prevHash, @hash)',
    );
    let prev: ChainEntry | undefined;
    for (const r of rows) {
      prev = nextEntry(prev, {
        outboxId: r.outbox_id,
        type: r.type,
        enterpriseId: r.enterprise_id,
        occurredAt: r.occurred_at,
        payloadText: r.payload,
      });
      put.run(prev);
    }
  })();
  db.close();
}

const hideTheViolation = (db: Database.Database) =>
  db
    .prepare(
      `UPDATE outbox SET type = 'user.loggedIn', payload = '{"userId":40,"username":"welder-5"}' WHERE type = 'machine.violationDetected'`,
    )
    .run();

/** The stolen key re-signs the rewritten chain: a fresh, internally consistent checkpoint chain. */
function resign(s: { db: string; data: string }): void {
  const db = new Database(s.db);
  db.prepare('DELETE FROM audit_checkpoints').run();
  const audit = validateConfig(
    testConfigInput(s.data, {
      audit: { signingKeyFile: keyFile, anchorFile: join(s.data, 'fake-anchor.jsonl') },
    }),
  ).audit;
  new AuditService(
    db,
    s.data,
    new FakeClock(Date.UTC(2026, 0, 6)),
    createLogger('silent'),
    audit,
  ).checkpoint();
  db.close();
}

describe('a rewritten chain no longer verifies (#23)', () => {
  it('the untouched store verifies, also against its anchor file', () => {
    const s = copy();
    const r = cli(s, ['--anchor', anchorFile]);
    expect(r.out).toContain('OK');
    expect(r.code).toBe(0);
    expect(readFileSync(anchorFile, 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(5);
  });

  it('no_permit_hot_work edited away, every hash recomputed, audit_checkpoints deleted → exit 1', () => {
    const s = copy();
    rewrite(s.db, (db) => {
      hideTheViolation(db);
      db.prepare('DELETE FROM audit_checkpoints').run();
    });
    const r = cli(s);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /BROKEN .* #1 .*no signed checkpoint although the chain is older than the checkpoint interval/,
    );
  });

  it('the last 1,000 rows and the checkpoints deleted → exit 1', () => {
    const s = copy();
    const db = new Database(s.db);
    const cut = N - 1000;
    db.prepare('DELETE FROM outbox WHERE id IN (SELECT outbox_id FROM audit_chain WHERE seq > ?)').run(cut);
    db.prepare('DELETE FROM audit_chain WHERE seq > ?').run(cut);
    db.prepare('DELETE FROM audit_checkpoints').run();
    db.close();
    const r = cli(s);
    expect(r.code).toBe(1);
    expect(r.out).toContain('no signed checkpoint');
  });

  it('the last 1,000 rows and only the checkpoints over them deleted → the anchor file names them', () => {
    const s = copy();
    const db = new Database(s.db);
    const cut = N - 1000;
    db.prepare('DELETE FROM outbox WHERE id IN (SELECT outbox_id FROM audit_chain WHERE seq > ?)').run(cut);
    db.prepare('DELETE FROM audit_chain WHERE seq > ?').run(cut);
    db.prepare('DELETE FROM audit_checkpoints WHERE seq > ?').run(cut);
    db.close();
    const r = cli(s, ['--anchor', anchorFile]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('a checkpoint in the anchor file is missing from the database');
  });

  it('a checkpoint deleted from the middle → gap and chain break', () => {
    const s = copy();
    const db = new Database(s.db);
    db.prepare('DELETE FROM audit_checkpoints WHERE id = 2').run();
    db.close();
    const r = cli(s);
    expect(r.code).toBe(1);
    expect(r.out).toContain('checkpoint ids have a gap');
    expect(r.out).toContain('checkpoint chain broken');
  });

  it('rewritten and re-signed with the stolen key: the database alone cannot tell, the anchor file can', () => {
    const s = copy();
    rewrite(s.db, hideTheViolation);
    resign(s);
    expect(cli(s).code).toBe(0); // honest limit: whoever holds the key can re-sign the database
    const r = cli(s, ['--anchor', anchorFile]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('checkpoint in the database differs from the anchor file (rewritten)');
  });

  it('an edited anchor file is named, a missing one is bad input (exit 2)', () => {
    const s = copy();
    const lines = readFileSync(anchorFile, 'utf8').trim().split('\n');
    const edited = join(s.data, 'edited-anchor.jsonl');
    cpSync(anchorFile, edited);
    writeFileSync(edited, [lines[0], lines[2], ...lines.slice(3)].join('\n') + '\n');
    const r = cli(s, ['--anchor', edited]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('the anchor file itself was edited');
    expect(cli(s, ['--anchor', join(s.data, 'nope.jsonl')]).code).toBe(2);
  });

  it('the database, its WAL and the signing key are owner-only; the key is not in the data folder', () => {
    expect(statSync(join(data, 'jianhu.db')).mode & 0o777).toBe(0o600);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(() => statSync(join(data, 'audit', 'checkpoint-ed25519.key'))).toThrow();
  });
});
