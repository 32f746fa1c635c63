import {
  entryHash,
  evidenceRefs,
  sha256Hex,
  type ChainEntry,
  type EvidenceRef,
} from '../../platform/events/chain.ts';
import type { CheckpointRow } from '../../platform/events/chain.repo.ts';
import { keyIdOf } from './keys.ts';
import type { Problem } from './problems.ts';
import { checkAgainstAnchor, checkCheckpointChain, type AnchorLine } from './verify-checkpoints.ts';

export { describeProblem, type Problem, type ProblemKind } from './problems.ts';

/**
 * Checks a chain (from the live database or an exported bundle): linkage, every entry's hash, the
 * payload each entry commits to, the evidence files those payloads name, the signed checkpoints and
 * their own chain, the checkpoint coverage of old entries, and (given one) the anchor file kept outside
 * the database. Reports every problem found (up to a limit) and names the first broken entry.
 */
type Entry = ChainEntry & { payloadText: string | null; redacted?: boolean };

export interface VerifyInput {
  entries: Iterable<Entry>;
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
  /** true when `checkpoints` starts at the first one ever written (the database, not a bundle slice) */
  checkpointsFromStart?: boolean;
  /**
   * When set, entries that occurred more than `windowMs` before `now` must be covered by a checkpoint
   * (only meaningful when the range reaches the head of the chain).
   */
  coverage?: { now: number; windowMs: number };
  /** checkpoints read back from the anchor file outside the database */
  anchor?: { lines: AnchorLine[]; source: string };
  /** problems found outside the chain (state tables cross-checked against it) */
  extraProblems?: Problem[];
  /** what could not be checked (rows older than the ids in their events): reported, not failed */
  warnings?: string[];
  /**
   * Evidence paths retired by a chained `evidence.deleted` (path → its seq), also from outside the
   * checked range: a file deleted by retention after it was stored is not missing.
   */
  retiredEvidence?: Map<string, number>;
  /** why a retired path is gone (`recording segment … deleted by retention on D`), for the report's notes */
  retiredNotes?: Map<string, string>;
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
  warnings: string[];
  /** what is fine but worth saying: files gone with a chained deletion (recording retention) */
  notes: string[];
}

/** A recording segment retention deleted: its payload names the path and the day (Asia/Shanghai). */
export function segmentDeletedNote(payload: Record<string, unknown>, seq: number): string | null {
  if (typeof payload.deletedPath !== 'string') return null;
  const on = typeof payload.deletedOn === 'string' ? payload.deletedOn : '?';
  return `录像片段 ${payload.deletedPath} 已于 ${on} 按保存期删除 / recording segment deleted by retention on ${on} (#${seq})`;
}

/** Feeds entries one by one (so the async variant can yield between pages). */
class ChainVerifier {
  readonly problems: Problem[] = [];
  private readonly hashes = new Map<number, string>();
  private readonly cpSeqs: Set<number>;
  private readonly lastCpSeq: number;
  private prev: ChainEntry | undefined;
  /** the oldest entry not covered by any checkpoint */
  private firstUncovered: ChainEntry | undefined;
  /** evidence refs, re-hashed at the end unless a later evidence.deleted retired their path */
  private readonly refs: { ref: EvidenceRef; at: { seq: number; outboxId: number; type: string } }[] = [];
  private readonly retired: Map<string, number>;
  private readonly retiredNotes: Map<string, string>;
  private readonly notes = new Set<string>();
  count = 0;
  evidenceFiles = 0;
  constructor(
    private readonly input: VerifyInput,
    private readonly maxProblems: number,
  ) {
    this.cpSeqs = new Set(input.checkpoints.map((c) => c.seq));
    this.lastCpSeq = Math.max(0, ...input.checkpoints.map((c) => c.seq));
    this.retired = new Map(input.retiredEvidence);
    this.retiredNotes = new Map(input.retiredNotes);
    if (input.rangeFromSeq && input.rangeFromSeq > 1 && input.anchorPrevHash)
      this.hashes.set(input.rangeFromSeq - 1, input.anchorPrevHash);
  }

  add(p: Problem): void {
    if (this.problems.length < this.maxProblems) this.problems.push(p);
  }

  entry(e: Entry): void {
    const { input, prev } = this;
    this.count++;
    const at = { seq: e.seq, outboxId: e.outboxId, type: e.type };
    if (!prev && input.rangeFromSeq !== undefined && e.seq !== input.rangeFromSeq)
      this.add({ kind: 'seq_gap', ...at, detail: `expected #${input.rangeFromSeq}, found #${e.seq}` });
    if (prev) {
      if (e.seq !== prev.seq + 1)
        this.add({ kind: 'seq_gap', ...at, detail: `expected #${prev.seq + 1}, found #${e.seq}` });
      if (e.outboxId <= prev.outboxId)
        this.add({ kind: 'order', ...at, detail: `event ${e.outboxId} after event ${prev.outboxId}` });
    }
    const expectedPrev = prev ? prev.hash : input.anchorPrevHash;
    if (expectedPrev !== undefined && e.prevHash !== expectedPrev)
      this.add({
        kind: 'prev_hash_mismatch',
        ...at,
        detail: `prev ${e.prevHash.slice(0, 12)}… ≠ ${expectedPrev.slice(0, 12)}…`,
      });
    const h = entryHash(e);
    if (h !== e.hash)
      this.add({
        kind: 'hash_mismatch',
        ...at,
        detail: `stored ${e.hash.slice(0, 12)}…, computed ${h.slice(0, 12)}…`,
      });
    if (!e.redacted) this.payload(e, at);
    if (this.cpSeqs.has(e.seq)) this.hashes.set(e.seq, e.hash);
    if (e.seq > this.lastCpSeq) this.firstUncovered ??= e;
    this.prev = e;
  }

  private payload(e: Entry, at: { seq: number; outboxId: number; type: string }): void {
    if (e.payloadText === null) return this.add({ kind: 'payload_missing', ...at, detail: 'no outbox row' });
    if (sha256Hex(e.payloadText) !== e.payloadSha256)
      return this.add({ kind: 'payload_mismatch', ...at, detail: 'sha256 of the payload differs' });
    if (!this.input.readEvidence) return;
    const payload = JSON.parse(e.payloadText) as Record<string, unknown>;
    if (e.type === 'evidence.deleted' && typeof payload.deletedPath === 'string')
      this.retired.set(payload.deletedPath, e.seq);
    if (e.type === 'recording.segmentDeleted') {
      const note = segmentDeletedNote(payload, e.seq);
      if (note) {
        this.retired.set(payload.deletedPath as string, e.seq);
        this.retiredNotes.set(payload.deletedPath as string, note);
      }
    }
    for (const ref of evidenceRefs(payload)) this.refs.push({ ref, at });
  }

  /** Every evidence file still expected to exist is re-hashed: changed or gone is a problem. */
  private evidence(): void {
    const read = this.input.readEvidence;
    if (!read) return;
    for (const { ref, at } of this.refs) {
      const gone = this.retired.get(ref.path);
      if (gone !== undefined && gone > at.seq) {
        // deleted by retention, chained: not missing; a recording segment is named in the notes
        const note = this.retiredNotes.get(ref.path);
        if (note) this.notes.add(note);
        continue;
      }
      this.evidenceFiles++;
      const bytes = read(ref);
      if (bytes === null) this.add({ kind: 'evidence_missing', ...at, detail: ref.path });
      else if (sha256Hex(bytes) !== ref.sha256)
        this.add({ kind: 'evidence_mismatch', ...at, detail: ref.path });
    }
  }

  finish(): VerifyReport {
    const { input, prev } = this;
    this.evidence();
    for (const id of input.unchainedOutboxIds ?? [])
      this.add({ kind: 'unchained_outbox_row', seq: null, outboxId: id, detail: `outbox id ${id}` });
    const keyId = input.publicKeyPem ? keyIdOf(input.publicKeyPem) : null;
    for (const p of checkCheckpointChain(input.checkpoints, {
      publicKeyPem: input.publicKeyPem,
      expectKeyId: input.expectKeyId,
      fromStart: input.checkpointsFromStart ?? false,
    }))
      this.add(p);
    let checked = 0;
    const from = input.rangeFromSeq ?? 1;
    const to = input.rangeToSeq ?? Number.MAX_SAFE_INTEGER;
    for (const c of input.checkpoints) {
      if (c.seq < from - 1 || c.seq > to) continue;
      checked++;
      const cp = { seq: c.seq, detail: `checkpoint ${c.id} (${c.signedAt})` };
      const h = this.hashes.get(c.seq);
      if (h === undefined) {
        if (!prev || c.seq > prev.seq) this.add({ kind: 'checkpoint_beyond_end', ...cp });
      } else if (h !== c.hash) this.add({ kind: 'checkpoint_mismatch', ...cp });
    }
    if (input.expectKeyId && keyId && keyId !== input.expectKeyId)
      this.add({
        kind: 'checkpoint_key',
        seq: null,
        detail: `public key ${keyId} is not the pinned ${input.expectKeyId}`,
      });
    this.coverage();
    if (input.anchor)
      for (const p of checkAgainstAnchor(input.checkpoints, input.anchor.lines, input.anchor.source))
        this.add(p);
    for (const p of input.extraProblems ?? []) this.add(p);
    const sorted = [...this.problems].sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity));
    return {
      ok: sorted.length === 0,
      entries: this.count,
      checkpoints: checked,
      evidenceFiles: this.evidenceFiles,
      headSeq: prev?.seq ?? null,
      headHash: prev?.hash ?? null,
      keyId,
      firstBroken: sorted[0] ?? null,
      problems: sorted,
      warnings: input.warnings ?? [],
      notes: capped([...this.notes], 20),
    };
  }

  /** Entries older than the checkpoint window must be under a checkpoint: deleting checkpoints shows. */
  private coverage(): void {
    const cov = this.input.coverage;
    const e = this.firstUncovered;
    if (!cov || !e) return;
    const age = cov.now - Date.parse(e.occurredAt);
    if (!(age > cov.windowMs)) return;
    const minutes = Math.round(age / 60_000);
    const detail = `#${e.seq}..#${this.prev!.seq} unsigned, oldest ${e.occurredAt} (${minutes} min old, window ${cov.windowMs / 60_000} min)`;
    this.add({
      kind: this.input.checkpoints.length === 0 ? 'no_checkpoints' : 'uncovered_entries',
      seq: e.seq,
      outboxId: e.outboxId,
      type: e.type,
      detail,
    });
  }
}

/** A long list of retention notes is cut, saying how many more there were. */
function capped(notes: string[], max: number): string[] {
  return notes.length <= max
    ? notes
    : [...notes.slice(0, max), `… ${notes.length - max} more 另有 ${notes.length - max} 条`];
}

export function verifyChain(input: VerifyInput, maxProblems = 50): VerifyReport {
  const v = new ChainVerifier(input, maxProblems);
  for (const e of input.entries) v.entry(e);
  return v.finish();
}

/**
 * The same verification, yielding to the event loop every `slice` entries, so a long chain checked
 * from an HTTP route does not stall /healthz and every other request meanwhile.
 */
export async function verifyChainAsync(
  input: VerifyInput,
  maxProblems = 50,
  slice = 500,
): Promise<VerifyReport> {
  const v = new ChainVerifier(input, maxProblems);
  let n = 0;
  for (const e of input.entries) {
    v.entry(e);
    if (++n % slice === 0) await new Promise((r) => setImmediate(r));
  }
  return v.finish();
}
