import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditExportCommand } from '../../src/cli/commands/audit-export.ts';
import { auditVerifyCommand } from '../../src/cli/commands/audit-verify.ts';
import { keyPaths } from '../../src/oversight/audit/keys.ts';
import {
  buildTamperStore,
  copyOf,
  removeStore,
  run,
  sql,
  verify,
  type TamperStore,
} from './audit-tamper-harness.ts';

/**
 * The tamper-evident log against real tampering: a real service writes a real SQLite file and real
 * evidence files (audit-tamper-harness.ts); each case copies the store, changes it the way an attacker
 * with file access would, and runs `jianhu audit verify`, which must fail (exit 1) and name the first
 * broken entry.
 */
let store: TamperStore;
let dir: string; // the store the service left behind
let work: string;
let heads: TamperStore['heads'];
let photoPath: string;
const copyStore = () => copyOf(store);

beforeAll(async () => {
  store = await buildTamperStore();
  ({ dir, work, heads, photoPath } = store);
});
afterAll(() => removeStore(store));

describe('jianhu audit verify', () => {
  it('an untouched store verifies (exit 0), and the key is private', async () => {
    expect(heads.map((x) => x.type)).toEqual([
      'hazard.registered',
      'hazard.assessed',
      'hazard.registered',
      'hazard.dispatched',
      'hazard.responsibleNotified', // the notice to the responsible person, chained like every event
      'hazard.rectified',
      'hazard.verified',
      'hazard.closed',
    ]);
    const r = await verify(copyStore());
    expect(r.out).toContain('OK');
    expect(r.code).toBe(0);
    expect(statSync(keyPaths(dir).privateKey).mode & 0o777).toBe(0o600);
  });

  it('names an edited chain row', async () => {
    const s = copyStore();
    sql(s, "UPDATE audit_chain SET type = 'user.loggedOut' WHERE seq = 3");
    const r = await verify(s);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/first broken entry 首个异常条目: #3 .*entry content was edited/);
  });

  it('names an edited event payload', async () => {
    const s = copyStore();
    const target = heads.find((x) => x.type === 'hazard.assessed')!;
    sql(
      s,
      `UPDATE outbox SET payload = replace(payload, '"general"', '"major"') WHERE id = ?`,
      target.outbox_id,
    );
    const r = await verify(s);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `first broken entry 首个异常条目: #${target.seq} (event ${target.outbox_id} hazard.assessed)`,
    );
    expect(r.out).toContain('event payload was edited');
  });

  it('names the entry after a deleted row, and a deleted outbox row', async () => {
    const s = copyStore();
    sql(s, 'DELETE FROM audit_chain WHERE seq = 2');
    const r = await verify(s);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/first broken entry 首个异常条目: #3 .*deleted/);
    const s2 = copyStore();
    sql(s2, 'DELETE FROM outbox WHERE id = ?', heads[1]!.outbox_id);
    expect((await verify(s2)).out).toMatch(/#2 .*event row was deleted/);
  });

  it('detects a truncated tail through the signed checkpoint', async () => {
    const s = copyStore();
    const last = heads.at(-1)!;
    sql(s, 'DELETE FROM audit_chain WHERE seq = ?', last.seq);
    sql(s, 'DELETE FROM outbox WHERE id = ?', last.outbox_id);
    const r = await verify(s);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`#${last.seq} .*the chain was truncated`));
  });

  it('names reordered rows', async () => {
    const s = copyStore();
    const db = new Database(s.db);
    const a = db.prepare('SELECT * FROM audit_chain WHERE seq = 4').get() as Record<string, unknown>;
    const b = db.prepare('SELECT * FROM audit_chain WHERE seq = 5').get() as Record<string, unknown>;
    const put = db.prepare(
      'UPDATE audit_chain SET outbox_id = @outbox_id, type = @type, enterprise_id = @enterprise_id, occurred_at = @occurred_at, payload_sha256 = @payload_sha256, prev_hash = @prev_hash, hash = @hash WHERE seq = @seq',
    );
    db.transaction(() => {
      put.run({ ...a, outbox_id: -1, seq: 4 });
      put.run({ ...a, seq: 5 });
      put.run({ ...b, seq: 4 });
    })();
    db.close();
    const r = await verify(s);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/first broken entry 首个异常条目: #4 /);
  });

  it('detects an event slipped into the outbox past the chain', async () => {
    const s = copyStore();
    sql(
      s,
      "INSERT INTO outbox (type, enterprise_id, payload, occurred_at) VALUES ('hazard.closed', 'ent-a', '{}', '2026-01-05T00:00:00Z')",
    );
    expect((await verify(s)).out).toMatch(/event not in the chain \(inserted\)/);
  });

  it('names the entry whose evidence file changed by one byte, or went missing', async () => {
    const s = copyStore();
    const f = join(s.data, photoPath);
    const bytes = readFileSync(f);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x01;
    writeFileSync(f, bytes);
    const reg = heads.find((x) => x.type === 'hazard.registered')!;
    const r = await verify(s);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `#${reg.seq} (event ${reg.outbox_id} hazard.registered) 证据文件被修改 / evidence file was changed: ${photoPath}`,
    );
    rmSync(f);
    expect((await verify(s)).out).toContain('evidence file is missing');
  });

  it('a rewritten chain (every hash recomputed) fails the signature check or the pinned key', async () => {
    const s = copyStore();
    // the attacker also swaps in their own key pair: the key id no longer matches the pinned one
    const keyId = (await verify(copyStore(), ['--json'])).out.match(/"keyId": "([0-9a-f]+)"/)![1]!;
    rmSync(keyPaths(s.data).privateKey);
    rmSync(keyPaths(s.data).publicKey);
    const { loadOrCreateSigningKey } = await import('../../src/oversight/audit/keys.ts');
    loadOrCreateSigningKey(s.data);
    const r = await verify(s, ['--key-id', keyId]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/checkpoint signature is invalid|checkpoint signed by another key/);
  });

  it('exports a bundle that verifies offline; one changed byte in it is named', async () => {
    const s = copyStore();
    const out = join(work, 'bundle');
    const e = await run(auditExportCommand, ['--db', s.db, '--data-dir', s.data, '--out', out]);
    expect(e.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'README.txt',
      'chain.jsonl',
      'checkpoints.jsonl',
      'evidence',
      'manifest.json',
      'public-key.pem',
    ]);
    rmSync(s.data, { recursive: true }); // offline: the store is gone
    expect((await run(auditVerifyCommand, ['--bundle', out])).code).toBe(0);
    const ev = join(out, 'evidence', readdirSync(join(out, 'evidence'))[0]!);
    const b = readFileSync(ev);
    b[10] = b[10]! ^ 0xff;
    writeFileSync(ev, b);
    const r = await run(auditVerifyCommand, ['--bundle', out]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/hazard\.registered\) 证据文件被修改/);
    // an edited line of chain.jsonl
    const s2 = copyStore();
    const out2 = join(work, 'bundle2');
    await run(auditExportCommand, ['--db', s2.db, '--data-dir', s2.data, '--out', out2]);
    const lines = readFileSync(join(out2, 'chain.jsonl'), 'utf8').split('\n');
    const edited = JSON.parse(lines[2]!) as { occurredAt: string };
    edited.occurredAt = '2026-01-04T23:59:00.000Z'; // back-dating one event
    lines[2] = JSON.stringify(edited);
    writeFileSync(join(out2, 'chain.jsonl'), lines.join('\n'));
    expect((await run(auditVerifyCommand, ['--bundle', out2])).out).toMatch(
      /first broken entry 首个异常条目: #3 /,
    );
  });

  it("an enterprise's bundle hides other enterprises' payloads but still verifies", async () => {
    const s = copyStore();
    const out = join(work, 'bundle-ent-a');
    await run(auditExportCommand, [
      '--db',
      s.db,
      '--data-dir',
      s.data,
      '--out',
      out,
      '--enterprise',
      'ent-a',
    ]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      redactedEntries: number;
    };
    expect(manifest.redactedEntries).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(out, 'chain.jsonl'), 'utf8')).not.toContain('乙企业');
    expect(readdirSync(join(out, 'evidence'))).toHaveLength(2); // ent-a's before and after photos only
    expect((await run(auditVerifyCommand, ['--bundle', out])).code).toBe(0);
  });

  it('the installed command line gives the same exit codes (0 intact, 1 broken, 2 bad input)', () => {
    const s = copyStore();
    const cli = (args: string[]) => {
      try {
        execFileSync(process.execPath, ['bin/jianhu.mjs', 'audit', 'verify', ...args], { stdio: 'pipe' });
        return 0;
      } catch (e) {
        return (e as { status: number }).status;
      }
    };
    expect(cli(['--db', s.db, '--data-dir', s.data])).toBe(0);
    sql(s, "UPDATE audit_chain SET occurred_at = '2020-01-01T00:00:00Z' WHERE seq = 2");
    expect(cli(['--db', s.db, '--data-dir', s.data])).toBe(1);
  });

  it('bad input is exit 2 with a message, and creates nothing', async () => {
    const r = await verify({ db: join(work, 'nope.db'), data: work });
    expect(r.code).toBe(2);
    expect(r.out).toContain('database not found');
    expect(existsSync(join(work, 'nope.db'))).toBe(false);
    expect((await run(auditVerifyCommand, ['--bundle', work])).code).toBe(2);
    expect((await run(auditVerifyCommand, ['--from', 'yesterday', '--db', copyStore().db])).code).toBe(2);
  });
});

describe('backfill', () => {
  it('chains an older database once, and never rebuilds a chain that has entries', async () => {
    const { AuditChainRepo } = await import('../../src/platform/events/chain.repo.ts');
    const s = copyStore();
    const db = new Database(s.db);
    const repo = new AuditChainRepo(db);
    // a row slipped in with a low id must not make a restart rebuild (and so launder) the chain
    db.prepare(
      "INSERT INTO outbox (id, type, enterprise_id, payload, occurred_at) VALUES (-5, 'hazard.closed', 'ent-a', '{}', '2026-01-01T00:00:00Z')",
    ).run();
    expect(repo.backfill()).toBe(0);
    db.prepare('DELETE FROM audit_chain').run();
    db.prepare('DELETE FROM audit_checkpoints').run();
    db.prepare('DELETE FROM outbox WHERE id = -5').run();
    expect(repo.backfill()).toBe(heads.length); // the chain was empty: an older database
    db.close();
    // chain rebuilt but no checkpoint: exactly what a rewrite looks like, so verify says so (#23) …
    const r = await verify(s);
    expect(r.code).toBe(1);
    expect(r.out).toContain('no signed checkpoint although the chain is older than the checkpoint interval');
    // … until the service starts on it and signs the backfilled head (what an upgrade does)
    const { AuditService } = await import('../../src/oversight/audit/audit.service.ts');
    const { createLogger } = await import('../../src/platform/shared/logger.ts');
    const { systemClock } = await import('../../src/platform/shared/clock.ts');
    const { defaultConfig } = await import('../../src/config/load.ts');
    const db2 = new Database(s.db);
    const svc = new AuditService(db2, s.data, systemClock, createLogger('silent'), defaultConfig().audit);
    svc.start();
    svc.stop();
    db2.close();
    expect((await verify(s)).code).toBe(0);
  });
});
