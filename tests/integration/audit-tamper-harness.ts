import Database from 'better-sqlite3';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { auditVerifyCommand } from '../../src/cli/commands/audit-verify.ts';
import { jpeg, startAuditHarness } from './audit-harness.ts';

/**
 * The store audit-tamper.test.ts tampers with: what a real service left behind (a real SQLite file, real
 * evidence files, signed checkpoints) after two enterprises' hazards went round the loop; and the
 * helpers each case uses on a fresh copy of it.
 */
export interface TamperStore {
  /** the store the service left behind (database + data folder): never changed, only copied */
  dir: string;
  /** where the copies and bundles go */
  work: string;
  /** the chain as the service left it */
  heads: { seq: number; type: string; outbox_id: number }[];
  /** ent-a's hazard photo, relative to the data folder */
  photoPath: string;
}

/** A command run in this process, its stdout and stderr captured together. */
export async function run(
  cmd: typeof auditVerifyCommand,
  args: string[],
): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((out += String(s)), true));
  try {
    return { code: await cmd.run(args), out };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

/** A fresh copy of the store (database + data folder) to tamper with. */
export function copyOf(store: TamperStore): { db: string; data: string } {
  const data = mkdtempSync(join(store.work, 'case-'));
  cpSync(store.dir, data, { recursive: true });
  return { db: join(data, 'jianhu.db'), data };
}
export const verify = (s: { db: string; data: string }, extra: string[] = []) =>
  run(auditVerifyCommand, ['--db', s.db, '--data-dir', s.data, ...extra]);
export const sql = (s: { db: string }, q: string, ...args: unknown[]) => {
  const db = new Database(s.db);
  try {
    db.prepare(q).run(...args);
  } finally {
    db.close();
  }
};

export async function buildTamperStore(): Promise<TamperStore> {
  const h = await startAuditHarness();
  const reg = await h.call('safety-a', 'POST', '/api/hazards', {
    enterpriseId: 'ent-a',
    source: 'inspection',
    stage: 'self_check',
    checker: '安全科',
    description: '配电箱门未关闭',
    hazardType: '设备设施',
    photos: [await jpeg(7)],
  });
  const id = reg.body.id as number;
  const photoPath = (reg.body.photos as { path: string }[])[0]!.path;
  await h.call('safety-a', 'POST', `/api/hazards/${id}/assess`, { level: 'general', reason: '一般' });
  h.audit.chain.checkpoint();
  // another enterprise's hazard: its payload must stay out of ent-a's bundle
  await h.call('safety-b', 'POST', '/api/hazards', {
    enterpriseId: 'ent-b',
    source: 'inspection',
    stage: 'county_check',
    checker: '县应急局 safety-b-checker',
    description: '乙企业砂型库通道堵塞',
    hazardType: '现场管理',
    photos: [await jpeg(8)],
  });
  const guardian = h.services.users.byUsername('guardian-a')!.userId;
  h.clock.advance(60_000);
  await h.call('safety-a', 'POST', `/api/hazards/${id}/dispatch`, {
    responsibleUserId: guardian,
    deadline: new Date(h.clock.now() + 3_600_000).toISOString(),
    reason: '派单',
  });
  await h.call('guardian-a', 'POST', `/api/hazards/${id}/rectify`, {
    photos: [await jpeg(9)],
    reason: '已关闭',
  });
  await h.call('safety-a', 'POST', `/api/hazards/${id}/verify`, { passed: true, reason: '复核合格' });
  await h.call('safety-a', 'POST', `/api/hazards/${id}/close`, { reason: '销号' });
  h.audit.chain.checkpoint();
  const dir = h.dir;
  await h.close(true);
  const work = mkdtempSync(join(tmpdir(), 'jianhu-tamper-'));
  const db = new Database(join(dir, 'jianhu.db'), { readonly: true });
  const heads = db
    .prepare('SELECT seq, type, outbox_id FROM audit_chain ORDER BY seq')
    .all() as TamperStore['heads'];
  db.close();
  return { dir, work, heads, photoPath };
}

export function removeStore(store: TamperStore): void {
  rmSync(store.work, { recursive: true, force: true });
  rmSync(store.dir, { recursive: true, force: true });
}
