import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  evidenceRefs,
  GENESIS_HASH,
  nextEntry,
  sha256Hex,
  type ChainEntry,
} from '../../src/platform/events/chain.ts';
import { verifyChain } from '../../src/oversight/audit/verify.ts';
import { checkpointMessage } from '../../src/platform/events/chain.ts';

type Row = ChainEntry & { payloadText: string | null };

function build(n: number): Row[] {
  const rows: Row[] = [];
  for (let i = 1; i <= n; i++) {
    const payloadText = JSON.stringify({ i, note: `事件 ${i}` });
    const e = nextEntry(rows.at(-1), {
      outboxId: i * 10,
      type: 'test.happened',
      enterpriseId: 'ent-a',
      occurredAt: new Date(Date.UTC(2026, 0, 5, 8, i)).toISOString(),
      payloadText,
    });
    rows.push({ ...e, payloadText });
  }
  return rows;
}

const input = (rows: Row[]) => ({
  entries: rows,
  checkpoints: [],
  publicKeyPem: undefined,
  anchorPrevHash: GENESIS_HASH,
  rangeFromSeq: 1,
});

describe('audit hash chain', () => {
  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }),
    );
  });

  it('an untouched chain verifies', () => {
    const r = verifyChain(input(build(5)));
    expect(r.ok).toBe(true);
    expect(r.entries).toBe(5);
    expect(r.firstBroken).toBeNull();
  });

  it('names the edited entry', () => {
    const rows = build(5);
    rows[2] = { ...rows[2]!, type: 'other.type' };
    const r = verifyChain(input(rows));
    expect(r.ok).toBe(false);
    expect(r.firstBroken).toMatchObject({ kind: 'hash_mismatch', seq: 3 });
  });

  it('names an edited payload', () => {
    const rows = build(5);
    rows[1] = { ...rows[1]!, payloadText: rows[1]!.payloadText!.replace('2', '3') };
    expect(verifyChain(input(rows)).firstBroken).toMatchObject({ kind: 'payload_mismatch', seq: 2 });
  });

  it('detects a deleted entry at the one after it', () => {
    const rows = build(5);
    rows.splice(2, 1);
    const r = verifyChain(input(rows));
    expect(r.firstBroken).toMatchObject({ seq: 4 });
    expect(r.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['seq_gap', 'prev_hash_mismatch']));
  });

  it('detects the first entry deleted', () => {
    const r = verifyChain(input(build(3).slice(1)));
    expect(r.firstBroken).toMatchObject({ seq: 2 });
  });

  it('detects reordered entries (contents swapped, seq kept)', () => {
    const rows = build(5);
    const a = rows[1]!;
    const b = rows[2]!;
    rows[1] = { ...b, seq: 2 };
    rows[2] = { ...a, seq: 3 };
    const r = verifyChain(input(rows));
    expect(r.ok).toBe(false);
    expect(r.firstBroken?.seq).toBe(2);
  });

  it('a signed checkpoint catches a rewritten tail and a truncated chain', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const rows = build(4);
    const head = rows[3]!;
    const signedAt = '2026-01-05T09:00:00.000Z';
    const claim = { id: 1, seq: head.seq, hash: head.hash, signedAt, prevDigest: GENESIS_HASH };
    const cp = {
      ...claim,
      keyId: 'k',
      signature: sign(null, checkpointMessage(claim), privateKey).toString('base64'),
    };
    expect(verifyChain({ ...input(rows), checkpoints: [cp], publicKeyPem: pem }).ok).toBe(true);
    // Rewrite entry 4 consistently (recomputed hash): only the checkpoint notices.
    const forged = nextEntry(rows[2], { ...head, payloadText: '{"forged":true}' });
    const rewritten = [...rows.slice(0, 3), { ...forged, payloadText: '{"forged":true}' }];
    expect(
      verifyChain({ ...input(rewritten), checkpoints: [cp], publicKeyPem: pem }).firstBroken,
    ).toMatchObject({
      kind: 'checkpoint_mismatch',
      seq: 4,
    });
    expect(
      verifyChain({ ...input(rows.slice(0, 3)), checkpoints: [cp], publicKeyPem: pem }).firstBroken,
    ).toMatchObject({ kind: 'checkpoint_beyond_end' });
    const badSig = { ...cp, signature: Buffer.alloc(64).toString('base64') };
    expect(
      verifyChain({ ...input(rows), checkpoints: [badSig], publicKeyPem: pem }).firstBroken,
    ).toMatchObject({
      kind: 'checkpoint_signature',
    });
  });

  it('finds evidence references at any depth and checks their bytes', () => {
    const bytes = Buffer.from('photo');
    const sha = sha256Hex(bytes);
    const payload = { photos: [{ path: 'evidence/a.jpg', sha256: sha }], other: { sha256: 'short' } };
    expect(evidenceRefs(payload)).toEqual([{ path: 'evidence/a.jpg', sha256: sha }]);
    const payloadText = JSON.stringify(payload);
    const e = nextEntry(undefined, {
      outboxId: 1,
      type: 't',
      enterpriseId: null,
      occurredAt: 'x',
      payloadText,
    });
    const run = (file: Buffer | null) =>
      verifyChain({ ...input([{ ...e, payloadText }]), readEvidence: () => file });
    expect(run(bytes).ok).toBe(true);
    expect(run(Buffer.from('phot0')).firstBroken).toMatchObject({ kind: 'evidence_mismatch', seq: 1 });
    expect(run(null).firstBroken).toMatchObject({ kind: 'evidence_missing', seq: 1 });
  });
});
