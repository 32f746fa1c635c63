import {
  entryHash,
  evidenceRefs,
  sha256Hex,
  type ChainEntry,
  type EvidenceRef,
} from '../../platform/events/chain.ts';
import type { CheckpointRow } from '../../platform/events/chain.repo.ts';
import { keyIdOf, verifyCheckpointSignature } from './keys.ts';

/**
 * Checks a chain (from the live database or an exported bundle): linkage, every entry's hash, the
 * payload each entry commits to, the evidence files those payloads name, and the signed checkpoints.
 * Reports every problem found (up to a limit) and names the first broken entry.
 */
export type ProblemKind =
  | 'seq_gap'
  | 'order'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  | 'payload_mismatch'
  | 'payload_missing'
  | 'unchained_outbox_row'
  | 'evidence_missing'
  | 'evidence_mismatch'
  | 'checkpoint_signature'
  | 'checkpoint_mismatch'
  | 'checkpoint_beyond_end'
  | 'checkpoint_key'
  | 'no_public_key';

const WHY: Record<ProblemKind, string> = {
  seq_gap: '条目缺失（被删除） / entries missing (deleted)',
  order: '条目顺序被改动 / entries reordered',
  prev_hash_mismatch:
    '前序哈希不符（删除、插入或改序） / previous hash does not match (deleted, inserted or reordered)',
  hash_mismatch: '条目内容被修改 / entry content was edited',
  payload_mismatch: '事件内容被修改 / event payload was edited',
  payload_missing: '事件记录被删除 / event row was deleted',
  unchained_outbox_row: '事件未进入哈希链（被插入） / event not in the chain (inserted)',
  evidence_missing: '证据文件缺失 / evidence file is missing',
  evidence_mismatch: '证据文件被修改 / evidence file was changed',
  checkpoint_signature: '检查点签名无效 / checkpoint signature is invalid',
  checkpoint_mismatch: '检查点与链不符（链被重写） / checkpoint does not match the chain (rewritten)',
  checkpoint_beyond_end: '链尾被截断 / the chain was truncated after a checkpoint',
  checkpoint_key: '检查点密钥与指定的不符 / checkpoint signed by another key',
  no_public_key: '缺少公钥，无法核验检查点 / no public key to check checkpoints',
};

export interface Problem {
  kind: ProblemKind;
  /** the chain entry concerned (for checkpoints, the entry they cover) */
  seq: number | null;
  outboxId?: number;
  type?: string;
  detail: string;
}

export interface VerifyInput {
  entries: Iterable<ChainEntry & { payloadText: string | null; redacted?: boolean }>;
  checkpoints: CheckpointRow[];
  publicKeyPem: string | undefined;
  /** a key id the verifier trusts (pinned by the regulator); checkpoints by other keys fail */
  expectKeyId?: string;
  /** the hash the first entry must follow (genesis, or the entry before a partial range) */
  anchorPrevHash: string | undefined;
  unchainedOutboxIds?: number[];
  /** evidence bytes, or null when the file is missing */
  readEvidence?: (ref: EvidenceRef) => Buffer | null;
  /** entries before this seq are outside the checked range (partial verify/bundle) */
  rangeFromSeq?: number;
  rangeToSeq?: number;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  evidenceFiles: number;
  headSeq: number | null;
  headHash: string | null;
  keyId: string | null;
  firstBroken: Problem | null;
  problems: Problem[];
}

export const describeProblem = (p: Problem): string =>
  `${p.seq !== null ? `#${p.seq}` : ''}${p.outboxId !== undefined ? ` (event ${p.outboxId} ${p.type ?? ''})` : ''} ${WHY[p.kind]}: ${p.detail}`.trim();

export function verifyChain(input: VerifyInput, maxProblems = 50): VerifyReport {
  const problems: Problem[] = [];
  const add = (p: Problem) => {
    if (problems.length < maxProblems) problems.push(p);
  };
  const hashes = new Map<number, string>();
  // A partial range is anchored by the hash of the entry before it; a checkpoint on that entry checks it.
  if (input.rangeFromSeq && input.rangeFromSeq > 1 && input.anchorPrevHash)
    hashes.set(input.rangeFromSeq - 1, input.anchorPrevHash);
  let prev: ChainEntry | undefined;
  let count = 0;
  let evidenceFiles = 0;
  for (const e of input.entries) {
    count++;
    const at = { seq: e.seq, outboxId: e.outboxId, type: e.type };
    if (!prev && input.rangeFromSeq !== undefined && e.seq !== input.rangeFromSeq)
      add({ kind: 'seq_gap', ...at, detail: `expected #${input.rangeFromSeq}, found #${e.seq}` });
    if (prev) {
      if (e.seq !== prev.seq + 1)
        add({ kind: 'seq_gap', ...at, detail: `expected #${prev.seq + 1}, found #${e.seq}` });
      if (e.outboxId <= prev.outboxId)
        add({ kind: 'order', ...at, detail: `event ${e.outboxId} after event ${prev.outboxId}` });
    }
    const expectedPrev = prev ? prev.hash : input.anchorPrevHash;
    if (expectedPrev !== undefined && e.prevHash !== expectedPrev)
      add({
        kind: 'prev_hash_mismatch',
        ...at,
        detail: `prev ${e.prevHash.slice(0, 12)}… ≠ ${expectedPrev.slice(0, 12)}…`,
      });
    const h = entryHash(e);
    if (h !== e.hash)
      add({
        kind: 'hash_mismatch',
        ...at,
        detail: `stored ${e.hash.slice(0, 12)}…, computed ${h.slice(0, 12)}…`,
      });
    if (!e.redacted) {
      if (e.payloadText === null) add({ kind: 'payload_missing', ...at, detail: 'no outbox row' });
      else if (sha256Hex(e.payloadText) !== e.payloadSha256)
        add({ kind: 'payload_mismatch', ...at, detail: 'sha256 of the payload differs' });
      else if (input.readEvidence) {
        for (const ref of evidenceRefs(JSON.parse(e.payloadText))) {
          evidenceFiles++;
          const bytes = input.readEvidence(ref);
          if (bytes === null) add({ kind: 'evidence_missing', ...at, detail: ref.path });
          else if (sha256Hex(bytes) !== ref.sha256)
            add({ kind: 'evidence_mismatch', ...at, detail: ref.path });
        }
      }
    }
    hashes.set(e.seq, e.hash);
    prev = e;
  }
  for (const id of input.unchainedOutboxIds ?? [])
    add({ kind: 'unchained_outbox_row', seq: null, outboxId: id, detail: `outbox id ${id}` });

  const keyId = input.publicKeyPem ? keyIdOf(input.publicKeyPem) : null;
  let checked = 0;
  const from = input.rangeFromSeq ?? 1;
  const to = input.rangeToSeq ?? Number.MAX_SAFE_INTEGER;
  for (const c of input.checkpoints) {
    if (c.seq < from - 1 || c.seq > to) continue;
    checked++;
    const cp = { seq: c.seq, detail: `checkpoint ${c.id} (${c.signedAt})` };
    if (!input.publicKeyPem) {
      add({ kind: 'no_public_key', ...cp });
      continue;
    }
    if (input.expectKeyId && c.keyId !== input.expectKeyId) add({ kind: 'checkpoint_key', ...cp });
    if (!verifyCheckpointSignature(input.publicKeyPem, c)) add({ kind: 'checkpoint_signature', ...cp });
    const h = hashes.get(c.seq);
    if (h === undefined) {
      if (!prev || c.seq > prev.seq) add({ kind: 'checkpoint_beyond_end', ...cp });
    } else if (h !== c.hash) add({ kind: 'checkpoint_mismatch', ...cp });
  }
  if (input.expectKeyId && keyId && keyId !== input.expectKeyId)
    add({
      kind: 'checkpoint_key',
      seq: null,
      detail: `public key ${keyId} is not the pinned ${input.expectKeyId}`,
    });

  const sorted = [...problems].sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity));
  return {
    ok: problems.length === 0,
    entries: count,
    checkpoints: checked,
    evidenceFiles,
    headSeq: prev?.seq ?? null,
    headHash: prev?.hash ?? null,
    keyId,
    firstBroken: sorted[0] ?? null,
    problems: sorted,
  };
}
