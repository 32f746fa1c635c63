import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex, type ChainEntry } from '../../platform/events/chain.ts';
import type { Problem } from './problems.ts';

/**
 * A bundle's `recordings/` folder (`audit export --permit`): the permit's segment files by camera and
 * `hashes.sha256` (`sha256sum -c` format, `<sha256>  <camera>/<file>.mp4`), each of which must be a
 * segment the bundle's chain closed (`recording.segmentClosed`) with that hash.
 */
export interface RecordingIndex {
  lines: { sha256: string; file: string }[];
  bySha: Map<string, string>;
}

export const HASH_LIST = 'hashes.sha256';

export function readRecordingIndex(dir: string): RecordingIndex {
  const f = join(dir, 'recordings', HASH_LIST);
  const lines = existsSync(f)
    ? readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => {
          const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(l);
          return m ? { sha256: m[1]!, file: m[2]! } : { sha256: '', file: l };
        })
    : [];
  return { lines, bySha: new Map(lines.map((l) => [l.sha256, l.file])) };
}

/** Every listed file hashes as listed and is a chained segment; a file named twice or unreadable fails. */
export function checkRecordingIndex(
  entries: (ChainEntry & { payloadText: string | null })[],
  index: RecordingIndex,
): Problem[] {
  if (index.lines.length === 0) return [];
  const chained = new Map<string, number>();
  for (const e of entries) {
    if (e.type !== 'recording.segmentClosed' || e.payloadText === null) continue;
    try {
      const p = JSON.parse(e.payloadText) as { sha256?: unknown };
      if (typeof p.sha256 === 'string') chained.set(p.sha256, e.seq);
    } catch {
      // the chain verifier reports an unreadable payload
    }
  }
  const out: Problem[] = [];
  for (const l of index.lines)
    if (!chained.has(l.sha256))
      out.push({
        kind: 'evidence_mismatch',
        seq: null,
        detail: `recordings/${l.file}: not a segment closed in this bundle's chain 不在审计链中`,
      });
  return out;
}

/** Hashes the listed files (the chain check hashes only those its events name). */
export function hashRecordingFiles(dir: string, index: RecordingIndex): Problem[] {
  const out: Problem[] = [];
  for (const l of index.lines) {
    const f = join(dir, 'recordings', l.file);
    if (!existsSync(f)) out.push({ kind: 'evidence_missing', seq: null, detail: `recordings/${l.file}` });
    else if (sha256Hex(readFileSync(f)) !== l.sha256)
      out.push({ kind: 'evidence_mismatch', seq: null, detail: `recordings/${l.file}` });
  }
  return out;
}
