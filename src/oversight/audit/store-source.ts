import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Db } from '../../platform/store/db.ts';
import { GENESIS_HASH, type EvidenceRef } from '../../platform/events/chain.ts';
import { AuditChainRepo } from '../../platform/events/chain.repo.ts';
import { keyPaths } from './keys.ts';
import { crossCheckState } from './cross-check.ts';
import { segmentDeletedNote, verifyChain, type VerifyInput, type VerifyReport } from './verify.ts';

export interface RangeOptions {
  /** first entry: a seq number or an ISO time (entries that occurred at or after it) */
  from?: string;
  to?: string;
}

/** Resolves `--from/--to` (seq number or ISO time) to a seq range of the chain. */
export function resolveRange(repo: AuditChainRepo, r: RangeOptions): { fromSeq: number; toSeq: number } {
  const pick = (v: string | undefined, atTime: (iso: string) => number | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    if (/^\d+$/.test(v)) return Number(v);
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new RangeError(`not a seq number or ISO time: ${v}`);
    return atTime(new Date(t).toISOString()) ?? (dflt === 1 ? Number.MAX_SAFE_INTEGER : 0);
  };
  return {
    fromSeq: pick(r.from, (iso) => repo.firstSeqAtOrAfter(iso), 1),
    toSeq: pick(r.to, (iso) => repo.lastSeqAtOrBefore(iso), Number.MAX_SAFE_INTEGER),
  };
}

/** Reads an evidence file named in an event: relative paths are under the data folder. */
export function evidenceReader(dataDir: string): (ref: EvidenceRef) => Buffer | null {
  return (ref) => {
    const p = isAbsolute(ref.path) ? ref.path : resolve(join(dataDir, ref.path));
    return existsSync(p) ? readFileSync(p) : null;
  };
}

export function readPublicKey(dataDir: string, keyFile?: string): string | undefined {
  const f = keyFile ?? keyPaths(dataDir).publicKey;
  return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
}

export interface StoreVerifyOptions extends RangeOptions {
  keyFile?: string;
  expectKeyId?: string;
  /** the checkpoint interval (audit.checkpointEveryMinutes): older entries must be under a checkpoint */
  checkpointEveryMinutes?: number;
  /** the wall clock to judge "older than the interval" by (default: now) */
  now?: number;
  /** checkpoints read back from the anchor file outside the database */
  anchor?: VerifyInput['anchor'];
  /** problems found before verifying (an unreadable anchor line) */
  extraProblems?: VerifyInput['extraProblems'];
}

/**
 * The slack on top of the interval before an unsigned entry counts as a deleted checkpoint: the timer
 * fires every interval, so an entry written just after a tick waits a whole interval for its checkpoint.
 */
export const COVERAGE_GRACE_MS = 60_000;

/** What verify reads from the live store (entries are paged lazily). */
export function storeVerifyInput(db: Db, dataDir: string, opts: StoreVerifyOptions = {}): VerifyInput {
  const repo = new AuditChainRepo(db);
  const { fromSeq, toSeq } = resolveRange(repo, opts);
  const before = fromSeq > 1 ? repo.entryBefore(fromSeq) : undefined;
  const toHead = opts.to === undefined;
  const ranged = !!(opts.from || opts.to);
  const state = ranged ? { problems: [], warnings: [] } : crossCheckState(db, dataDir);
  return {
    entries: repo.entries(fromSeq, toSeq),
    checkpoints: repo.checkpoints(),
    checkpointsFromStart: true,
    publicKeyPem: readPublicKey(dataDir, opts.keyFile),
    expectKeyId: opts.expectKeyId,
    anchorPrevHash: fromSeq > 1 ? before?.hash : GENESIS_HASH,
    unchainedOutboxIds: ranged ? [] : repo.unchainedOutboxIds(),
    readEvidence: evidenceReader(dataDir),
    rangeFromSeq: fromSeq,
    rangeToSeq: toSeq,
    coverage: toHead
      ? {
          now: opts.now ?? Date.now(),
          windowMs: (opts.checkpointEveryMinutes ?? 10) * 60_000 + COVERAGE_GRACE_MS,
        }
      : undefined,
    anchor: opts.anchor,
    extraProblems: [...(opts.extraProblems ?? []), ...state.problems],
    warnings: state.warnings,
    ...retiredEvidence(db),
  };
}

/**
 * Paths retention deleted with a chained evidence.deleted or recording.segmentDeleted, anywhere in the
 * chain (path → seq), and for segments the note naming the day.
 */
function retiredEvidence(db: Db): Pick<VerifyInput, 'retiredEvidence' | 'retiredNotes'> {
  const rows = db
    .prepare(
      `SELECT c.seq, c.type, o.payload FROM audit_chain c JOIN outbox o ON o.id = c.outbox_id
       WHERE c.type IN ('evidence.deleted', 'recording.segmentDeleted')`,
    )
    .all() as { seq: number; type: string; payload: string }[];
  const retiredEvidence = new Map<string, number>();
  const retiredNotes = new Map<string, string>();
  for (const r of rows) {
    try {
      const p = JSON.parse(r.payload) as Record<string, unknown>;
      // a payload edited to retire a file fails the chain's own payload check
      if (typeof p.deletedPath !== 'string') continue;
      retiredEvidence.set(p.deletedPath, r.seq);
      const note = r.type === 'recording.segmentDeleted' ? segmentDeletedNote(p, r.seq) : null;
      if (note) retiredNotes.set(p.deletedPath, note);
    } catch {
      // unreadable: the chain verifier reports the payload
    }
  }
  return { retiredEvidence, retiredNotes };
}

/** Verifies the live store: chain rows, outbox payloads, evidence files, checkpoints, state tables. */
export function verifyStore(db: Db, dataDir: string, opts: StoreVerifyOptions = {}): VerifyReport {
  return verifyChain(storeVerifyInput(db, dataDir, opts));
}
