import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { Db } from '../../platform/store/db.ts';
import type { RecordingConfig } from '../../video/recording/config.schema.ts';
import { RecordingRepo } from '../../video/recording/recording.repo.ts';
import { PermitsRepo } from '../../work/permits/permits.repo.ts';
import { exportBundle, type BundleManifest } from './bundle.ts';
import { HASH_LIST } from './bundle-recordings.ts';
import { permitTimeline } from './recording-timeline.ts';

export class PermitNotFoundError extends RangeError {}

/**
 * `jianhu audit export --permit ID`: the audit bundle from the permit's creation to the head, for the
 * permit's enterprise (others' payloads left out), plus `recordings/`: the permit's segment files by
 * camera, `hashes.sha256` and `timeline.json` (segments, deletions, gaps, violations). Each segment is
 * also named by its chained `recording.segmentClosed`, so `audit verify --bundle` re-hashes it; other
 * cameras' segments in the range are listed as excluded instead of copied.
 */
export function exportPermitRecording(
  db: Db,
  dataDir: string,
  outDir: string,
  permitId: string,
  cfg: Pick<RecordingConfig, 'preRollSeconds' | 'postRollSeconds'>,
  now: number,
): BundleManifest & { segments: number; deletedSegments: number } {
  const permits = new PermitsRepo(db);
  const permit = permits.get(permitId);
  if (!permit) throw new PermitNotFoundError(`no permit ${permitId} 作业票不存在`);
  const history = permits.historyOf(permitId);
  const timeline = permitTimeline(
    db,
    new RecordingRepo(db),
    cfg,
    {
      id: permit.id,
      number: permit.number,
      kind: permit.kind,
      level: permit.level,
      enterpriseId: permit.enterpriseId,
      cameraIds: permit.cameraIds,
    },
    history,
    now,
  );
  const kept = timeline.segments.filter((s) => s.deleted === null);
  const mine = new Set(kept.map((s) => s.sha256));
  const manifest = exportBundle(db, dataDir, outDir, {
    from: history[0] ? new Date(history[0].at).toISOString() : undefined,
    enterpriseId: permit.enterpriseId,
    now: new Date(now).toISOString(),
    permitId,
    skipEvidence: (ref, type) =>
      type !== 'recording.segmentClosed' ? false : mine.has(ref.sha256) ? 'elsewhere' : 'exclude',
  });
  const repo = new RecordingRepo(db);
  const lines: string[] = [];
  for (const s of kept) {
    const row = repo.segment(s.id)!;
    const src = isAbsolute(row.path) ? row.path : join(dataDir, row.path);
    const rel = `${s.cameraId}/${basename(row.path)}`;
    // a file gone without a chained deletion is left out: verify then names it missing (tampering)
    if (!existsSync(src)) continue;
    mkdirSync(join(outDir, 'recordings', s.cameraId), { recursive: true });
    copyFileSync(src, join(outDir, 'recordings', rel));
    lines.push(`${s.sha256}  ${rel}`);
  }
  mkdirSync(join(outDir, 'recordings'), { recursive: true });
  writeFileSync(join(outDir, 'recordings', HASH_LIST), lines.join('\n') + (lines.length ? '\n' : ''));
  writeFileSync(join(outDir, 'recordings', 'timeline.json'), JSON.stringify(timeline, null, 2) + '\n');
  return { ...manifest, segments: kept.length, deletedSegments: timeline.segments.length - kept.length };
}
