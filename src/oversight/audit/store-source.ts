import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Db } from '../../platform/store/db.ts';
import { GENESIS_HASH, type EvidenceRef } from '../../platform/events/chain.ts';
import { AuditChainRepo } from '../../platform/events/chain.repo.ts';
import { keyPaths } from './keys.ts';
import { verifyChain, type VerifyReport } from './verify.ts';

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

/** Verifies the live store: chain rows, outbox payloads, evidence files and checkpoints. */
export function verifyStore(
  db: Db,
  dataDir: string,
  opts: RangeOptions & { keyFile?: string; expectKeyId?: string } = {},
): VerifyReport {
  const repo = new AuditChainRepo(db);
  const { fromSeq, toSeq } = resolveRange(repo, opts);
  const before = fromSeq > 1 ? repo.entryBefore(fromSeq) : undefined;
  return verifyChain({
    entries: repo.entries(fromSeq, toSeq),
    checkpoints: repo.checkpoints(),
    publicKeyPem: readPublicKey(dataDir, opts.keyFile),
    expectKeyId: opts.expectKeyId,
    anchorPrevHash: fromSeq > 1 ? before?.hash : GENESIS_HASH,
    unchainedOutboxIds: opts.from || opts.to ? [] : repo.unchainedOutboxIds(),
    readEvidence: evidenceReader(dataDir),
    rangeFromSeq: fromSeq,
    rangeToSeq: toSeq,
  });
}
