import { createHash } from 'node:crypto';

/**
 * The hash chain, as pure functions shared by the writer (chain.repo.ts), the verifier (verify.ts)
 * and offline bundles. An entry's hash is sha256(prev_hash ‖ canonical JSON of the entry), so any
 * edit, deletion or reordering of entries changes every hash after it.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainEntry {
  seq: number;
  outboxId: number;
  type: string;
  enterpriseId: string | null;
  occurredAt: string;
  payloadSha256: string;
  prevHash: string;
  hash: string;
}

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** JSON with object keys sorted at every level: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function entryHash(e: Omit<ChainEntry, 'hash'>): string {
  const body = canonicalJson({
    seq: e.seq,
    outboxId: e.outboxId,
    type: e.type,
    enterpriseId: e.enterpriseId,
    occurredAt: e.occurredAt,
    payloadSha256: e.payloadSha256,
  });
  return sha256Hex(`${e.prevHash}\n${body}`);
}

/** Builds the entry that follows `prev` (or the first entry when prev is undefined). */
export function nextEntry(
  prev: Pick<ChainEntry, 'seq' | 'hash'> | undefined,
  ev: {
    outboxId: number;
    type: string;
    enterpriseId: string | null;
    occurredAt: string;
    payloadText: string;
  },
): ChainEntry {
  const partial = {
    seq: (prev?.seq ?? 0) + 1,
    outboxId: ev.outboxId,
    type: ev.type,
    enterpriseId: ev.enterpriseId,
    occurredAt: ev.occurredAt,
    payloadSha256: sha256Hex(ev.payloadText),
    prevHash: prev?.hash ?? GENESIS_HASH,
  };
  return { ...partial, hash: entryHash(partial) };
}

/** A reference to an evidence file found inside an event payload: `{ path, sha256 }` at any depth. */
export interface EvidenceRef {
  path: string;
  sha256: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function evidenceRefs(payload: unknown, out: EvidenceRef[] = []): EvidenceRef[] {
  if (payload === null || typeof payload !== 'object') return out;
  if (Array.isArray(payload)) {
    for (const v of payload) evidenceRefs(v, out);
    return out;
  }
  const o = payload as Record<string, unknown>;
  const path = o.path ?? o.file;
  if (typeof path === 'string' && typeof o.sha256 === 'string' && HEX64.test(o.sha256)) {
    out.push({ path, sha256: o.sha256 });
  }
  for (const v of Object.values(o)) evidenceRefs(v, out);
  return out;
}

/** What a checkpoint signs: the chain head, when, and (since #23) its own id and the one before it. */
export interface CheckpointClaim {
  id: number;
  seq: number;
  hash: string;
  signedAt: string;
  /** digest of the previous checkpoint (GENESIS_HASH for the first); null: a checkpoint from before #23 */
  prevDigest: string | null;
}

/**
 * The bytes a checkpoint signature covers. A chained checkpoint also covers its id and the previous
 * checkpoint's digest, so checkpoints cannot be deleted, re-numbered or re-ordered without the key.
 */
export const checkpointMessage = (c: CheckpointClaim): Buffer =>
  Buffer.from(
    c.prevDigest === null
      ? `jianhu-audit-checkpoint\n${c.seq}\n${c.hash}\n${c.signedAt}`
      : `jianhu-audit-checkpoint/2\n${c.id}\n${c.seq}\n${c.hash}\n${c.signedAt}\n${c.prevDigest}`,
    'utf8',
  );

/** The digest the next checkpoint signs: the signed message plus its signature. */
export const checkpointDigest = (c: CheckpointClaim & { signature: string }): string =>
  sha256Hex(Buffer.concat([checkpointMessage(c), Buffer.from(`\n${c.signature}`, 'utf8')]));
