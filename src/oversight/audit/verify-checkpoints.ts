import { checkpointDigest, GENESIS_HASH } from '../../platform/events/chain.ts';
import type { CheckpointRow } from '../../platform/events/chain.repo.ts';
import { verifyCheckpointSignature } from './keys.ts';
import type { Problem } from './problems.ts';

/**
 * The rules on checkpoints that do not need the chain entries: consecutive ids, each chained
 * checkpoint signing the digest of the one before, valid signatures by the expected key. Checkpoints
 * from before #23 (prevDigest null) are accepted only as a prefix: once the checkpoint chain starts,
 * an unchained checkpoint is a break.
 */
export function checkCheckpointChain(
  cps: CheckpointRow[],
  opts: {
    publicKeyPem: string | undefined;
    expectKeyId?: string;
    /** true when `cps` starts at the first checkpoint ever (the database); false for a bundle's slice */
    fromStart: boolean;
  },
): Problem[] {
  const out: Problem[] = [];
  let prev: CheckpointRow | undefined;
  let chained = false;
  for (const c of cps) {
    const at = { seq: c.seq };
    const name = `checkpoint ${c.id} (${c.signedAt})`;
    if (!opts.publicKeyPem) out.push({ kind: 'no_public_key', ...at, detail: name });
    else {
      if (opts.expectKeyId && c.keyId !== opts.expectKeyId)
        out.push({ kind: 'checkpoint_key', ...at, detail: name });
      if (!verifyCheckpointSignature(opts.publicKeyPem, c))
        out.push({ kind: 'checkpoint_signature', ...at, detail: name });
    }
    const expectedId = prev ? prev.id + 1 : opts.fromStart ? 1 : c.id;
    if (c.id !== expectedId)
      out.push({
        kind: 'checkpoint_id_gap',
        ...at,
        detail: `expected checkpoint ${expectedId}, found ${c.id}`,
      });
    if (c.prevDigest === null) {
      if (chained)
        out.push({
          kind: 'checkpoint_chain_break',
          ...at,
          detail: `${name} is not chained after chained ones`,
        });
    } else {
      const expected = prev ? checkpointDigest(prev) : opts.fromStart ? GENESIS_HASH : undefined;
      if (expected !== undefined && c.prevDigest !== expected)
        out.push({
          kind: 'checkpoint_chain_break',
          ...at,
          detail: `${name} follows ${c.prevDigest.slice(0, 12)}…, the previous checkpoint is ${expected.slice(0, 12)}…`,
        });
      chained = true;
    }
    if (prev && (c.seq < prev.seq || c.signedAt < prev.signedAt))
      out.push({
        kind: 'checkpoint_chain_break',
        ...at,
        detail: `${name} goes back before checkpoint ${prev.id}`,
      });
    prev = c;
  }
  return out;
}

/** One line of the anchor file: a checkpoint as it was signed, written outside the database. */
export type AnchorLine = CheckpointRow;

/**
 * Compares the database's checkpoints with the anchor file's. Every anchored checkpoint must be in
 * the database unchanged; the anchor lines must themselves link (an edited anchor file is named too).
 */
export function checkAgainstAnchor(cps: CheckpointRow[], anchor: AnchorLine[], source: string): Problem[] {
  const out: Problem[] = [];
  const byId = new Map(cps.map((c) => [c.id, c]));
  let prev: AnchorLine | undefined;
  for (const [i, a] of anchor.entries()) {
    const where = `${source} line ${i + 1}, checkpoint ${a.id} (#${a.seq}, ${a.signedAt})`;
    if (prev && (a.id !== prev.id + 1 || a.prevDigest !== checkpointDigest(prev)))
      out.push({ kind: 'anchor_broken', seq: a.seq, detail: `${where} does not follow line ${i}` });
    prev = a;
    const c = byId.get(a.id);
    if (!c) {
      out.push({ kind: 'anchor_checkpoint_missing', seq: a.seq, detail: where });
      continue;
    }
    if (checkpointDigest(c) !== checkpointDigest(a) || c.keyId !== a.keyId)
      out.push({
        kind: 'anchor_mismatch',
        seq: a.seq,
        detail: `${where}: anchored #${a.seq} ${a.hash.slice(0, 12)}…, database has #${c.seq} ${c.hash.slice(0, 12)}… (key ${c.keyId})`,
      });
  }
  return out;
}
