import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CheckpointRow } from '../../platform/events/chain.repo.ts';
import type { Problem } from './problems.ts';
import type { AnchorLine } from './verify-checkpoints.ts';

/**
 * Checkpoint heads written outside the database: one JSON line per checkpoint, appended (never
 * rewritten) to `audit.anchorFile`. Someone who rewrites the SQLite file and re-signs its checkpoints
 * with a stolen key still disagrees with lines written before the theft, as long as the file lives
 * where they cannot rewrite it too (another disk, an NFS share, chattr +a, a log shipper).
 */
export const defaultAnchorFile = (dataDir: string): string => join(dataDir, 'audit', 'anchor.jsonl');

/** MQTT topic the hub hears checkpoint heads on (the payload is the same line). */
export const ANCHOR_TOPIC = 'jianhu/audit/checkpoint';

export function appendAnchor(file: string, c: CheckpointRow): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const fresh = !existsSync(file);
  appendFileSync(file, anchorLine(c) + '\n', { mode: 0o640, flag: 'a' });
  if (fresh) chmodSync(file, 0o640);
}

export const anchorLine = (c: CheckpointRow): string =>
  JSON.stringify({
    id: c.id,
    seq: c.seq,
    hash: c.hash,
    signedAt: c.signedAt,
    keyId: c.keyId,
    prevDigest: c.prevDigest,
    signature: c.signature,
  });

/** Reads an anchor file; lines that are not checkpoints are problems (the file was edited). */
export function readAnchor(file: string): { lines: AnchorLine[]; problems: Problem[] } {
  const lines: AnchorLine[] = [];
  const problems: Problem[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (!text.trim()) return;
      try {
        const o = JSON.parse(text) as AnchorLine;
        if (typeof o.id !== 'number' || typeof o.seq !== 'number' || typeof o.hash !== 'string')
          throw new Error('not a checkpoint');
        lines.push({ ...o, prevDigest: o.prevDigest ?? null });
      } catch (e) {
        problems.push({
          kind: 'anchor_broken',
          seq: null,
          detail: `${file} line ${i + 1}: ${(e as Error).message}`,
        });
      }
    });
  if (lines.length === 0 && problems.length === 0)
    problems.push({ kind: 'anchor_broken', seq: null, detail: `${file} holds no checkpoint` });
  return { lines, problems };
}
