import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../platform/store/db.ts';
import {
  evidenceRefs,
  GENESIS_HASH,
  type ChainEntry,
  type EvidenceRef,
} from '../../platform/events/chain.ts';
import { AuditChainRepo, type CheckpointRow } from '../../platform/events/chain.repo.ts';
import { keyIdOf } from './keys.ts';
import { evidenceReader, readPublicKey, resolveRange, type RangeOptions } from './store-source.ts';
import { checkRecordingIndex, hashRecordingFiles, readRecordingIndex } from './bundle-recordings.ts';
import { verifyChain, type VerifyReport } from './verify.ts';

/**
 * An offline audit bundle: everything `jianhu audit verify --bundle DIR` needs, and nothing else.
 *   manifest.json       range, anchor hash, head hash, key id, counts
 *   chain.jsonl         one chain entry per line with the event payload text (or null when redacted)
 *   checkpoints.jsonl   the signed checkpoints
 *   public-key.pem      the Ed25519 key that signed them (compare its id with the one you registered)
 *   evidence/<sha256>   every evidence file named by an included event, named by its expected hash
 * With `--enterprise`, other enterprises' events stay in the chain (so it still links) but their
 * payloads are left out: the entry's hash still commits to them.
 */
export const BUNDLE_FORMAT = 'jianhu-audit-bundle/1';

export interface BundleManifest {
  format: string;
  createdAt: string;
  enterpriseId: string | null;
  fromSeq: number;
  toSeq: number;
  anchorPrevHash: string;
  entries: number;
  redactedEntries: number;
  headHash: string | null;
  keyId: string | null;
  evidenceFiles: number;
  missingEvidence: string[];
  /**
   * Evidence the exporter left out on purpose (`audit export --permit`: other cameras' recording
   * segments): verify names them in its notes instead of failing them. Absent in older bundles.
   */
  excludedEvidence?: string[];
  /** `audit export --permit`: the permit whose recording is under recordings/ */
  permitId?: string;
}

type BundleLine = ChainEntry & { payload: string | null; redacted: boolean };

export function exportBundle(
  db: Db,
  dataDir: string,
  outDir: string,
  opts: RangeOptions & {
    enterpriseId?: string;
    now: string;
    /** evidence not to copy into evidence/ (listed in the manifest as excluded, or shipped elsewhere) */
    skipEvidence?: (ref: EvidenceRef, eventType: string) => 'exclude' | 'elsewhere' | false;
    permitId?: string;
  },
): BundleManifest {
  if (existsSync(outDir) && readdirSync(outDir).length > 0)
    throw new Error(`output folder is not empty 输出目录非空: ${outDir}`);
  mkdirSync(join(outDir, 'evidence'), { recursive: true });
  const repo = new AuditChainRepo(db);
  const { fromSeq, toSeq } = resolveRange(repo, opts);
  const anchor = fromSeq > 1 ? (repo.entryBefore(fromSeq)?.hash ?? GENESIS_HASH) : GENESIS_HASH;
  const read = evidenceReader(dataDir);
  const lines: string[] = [];
  const copied = new Set<string>();
  const missing: string[] = [];
  const excluded = new Set<string>();
  let first: number | null = null;
  let head: ChainEntry | undefined;
  let redacted = 0;
  for (const e of repo.entries(fromSeq, toSeq)) {
    first ??= e.seq;
    head = e;
    const hide =
      opts.enterpriseId !== undefined && e.enterpriseId !== null && e.enterpriseId !== opts.enterpriseId;
    if (hide) redacted++;
    const { payloadText, ...entry } = e;
    const line: BundleLine = { ...entry, payload: hide ? null : payloadText, redacted: hide };
    lines.push(JSON.stringify(line));
    if (hide || payloadText === null) continue;
    for (const ref of evidenceRefs(JSON.parse(payloadText))) {
      if (copied.has(ref.sha256)) continue;
      const skip = opts.skipEvidence?.(ref, e.type);
      if (skip === 'exclude') excluded.add(ref.path);
      if (skip) continue;
      const src = evidenceFile(dataDir, ref, read);
      if (src) {
        copyFileSync(src, join(outDir, 'evidence', ref.sha256));
        copied.add(ref.sha256);
      } else missing.push(ref.path);
    }
  }
  writeFileSync(join(outDir, 'chain.jsonl'), lines.join('\n') + (lines.length ? '\n' : ''));
  const cps = repo.checkpoints().filter((c) => c.seq >= (first ?? fromSeq) - 1 && c.seq <= (head?.seq ?? 0));
  writeFileSync(
    join(outDir, 'checkpoints.jsonl'),
    cps.map((c) => JSON.stringify(c)).join('\n') + (cps.length ? '\n' : ''),
  );
  const pub = readPublicKey(dataDir);
  if (pub) writeFileSync(join(outDir, 'public-key.pem'), pub);
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    createdAt: opts.now,
    enterpriseId: opts.enterpriseId ?? null,
    fromSeq: first ?? fromSeq,
    toSeq: head?.seq ?? fromSeq - 1,
    anchorPrevHash: anchor,
    entries: lines.length,
    redactedEntries: redacted,
    headHash: head?.hash ?? null,
    keyId: pub ? keyIdOf(pub) : null,
    evidenceFiles: copied.size,
    missingEvidence: missing,
    ...(excluded.size ? { excludedEvidence: [...excluded] } : {}),
    ...(opts.permitId ? { permitId: opts.permitId } : {}),
  };
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  writeFileSync(join(outDir, 'README.txt'), readme(manifest));
  return manifest;
}

function evidenceFile(
  dataDir: string,
  ref: EvidenceRef,
  read: (r: EvidenceRef) => Buffer | null,
): string | null {
  if (read(ref) === null) return null;
  return ref.path.startsWith('/') ? ref.path : join(dataDir, ref.path);
}

export function verifyBundle(dir: string, opts: { expectKeyId?: string } = {}): VerifyReport {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BundleManifest;
  if (manifest.format !== BUNDLE_FORMAT) throw new Error(`unknown bundle format ${manifest.format}`);
  const jsonl = <T>(f: string): T[] =>
    existsSync(join(dir, f))
      ? readFileSync(join(dir, f), 'utf8')
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as T)
      : [];
  const entries = jsonl<BundleLine>('chain.jsonl').map(({ payload, ...e }) => ({
    ...e,
    payloadText: payload,
  }));
  const keyFile = join(dir, 'public-key.pem');
  const recordings = readRecordingIndex(dir);
  const excluded = manifest.excludedEvidence ?? [];
  const report = verifyChain({
    entries,
    checkpoints: jsonl<CheckpointRow>('checkpoints.jsonl'),
    publicKeyPem: existsSync(keyFile) ? readFileSync(keyFile, 'utf8') : undefined,
    expectKeyId: opts.expectKeyId,
    anchorPrevHash: manifest.anchorPrevHash,
    readEvidence: (ref) => {
      const f = join(dir, 'evidence', ref.sha256);
      if (existsSync(f)) return readFileSync(f);
      const rec = recordings.bySha.get(ref.sha256);
      return rec && existsSync(join(dir, 'recordings', rec))
        ? readFileSync(join(dir, 'recordings', rec))
        : null;
    },
    retiredEvidence: new Map(excluded.map((p) => [p, Number.MAX_SAFE_INTEGER])),
    retiredNotes: new Map(
      excluded.map((p) => [
        p,
        `${p}: 未包含在本审计包中 / not included in this bundle (another camera's recording)`,
      ]),
    ),
    rangeFromSeq: manifest.fromSeq,
    rangeToSeq: manifest.toSeq,
  });
  for (const p of [...checkRecordingIndex(entries, recordings), ...hashRecordingFiles(dir, recordings)]) {
    report.ok = false;
    report.problems.push(p);
    report.firstBroken ??= p;
  }
  // The manifest's own claims must match what the files hold (a truncated chain.jsonl, say).
  if (report.entries !== manifest.entries || report.headHash !== manifest.headHash) {
    report.ok = false;
    const p = {
      kind: 'seq_gap' as const,
      seq: report.headSeq,
      detail: `manifest lists ${manifest.entries} entries ending ${manifest.headHash?.slice(0, 12)}…, chain.jsonl has ${report.entries}`,
    };
    report.problems.push(p);
    report.firstBroken ??= p;
  }
  return report;
}

function readme(m: BundleManifest): string {
  return `监护 jianhu 审计包 / audit bundle (${m.format})
核验 / verify:   npx jianhu audit verify --bundle <this folder> [--key-id ${m.keyId ?? 'KEYID'}]
条目 entries ${m.fromSeq}..${m.toSeq} (${m.entries}, ${m.redactedEntries} redacted), evidence files ${m.evidenceFiles}
签名公钥 key id: ${m.keyId ?? '(none)'} — 请与监管部门登记的密钥编号核对 / compare with the key id you registered.
`;
}
