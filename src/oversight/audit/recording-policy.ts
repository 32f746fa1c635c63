import type { Db } from '../../platform/store/db.ts';
import { retentionDays, type RecordingConfig } from '../../video/recording/config.schema.ts';
import type { SegmentRow } from '../../video/recording/recording.repo.ts';
import type { SegmentPolicy } from '../../video/recording/retention.ts';
import { RecordingReferencesRepo } from './recording-references.repo.ts';

/**
 * Recording retention as the audit sees it: a segment is kept as long as the longest retention of the
 * permits it was recorded under (特级 动火 ≥ 31 days), and past that while a violation, a hazard or an
 * open hold (an audit question) refers to its camera and time.
 */
export function recordingPolicy(db: Db, cfg: RecordingConfig['retention']): SegmentPolicy {
  const refs = new RecordingReferencesRepo(db);
  return {
    keepDays(seg: SegmentRow) {
      const permits = refs.permitsOn(seg.cameraId, seg.startedAt, seg.endedAt);
      return Math.max(cfg.defaultDays, ...permits.map((p) => retentionDays(cfg, p.kind, p.level)));
    },
    referencedBy(seg: SegmentRow) {
      const v = refs.violationOn(seg.cameraId, seg.startedAt, seg.endedAt);
      if (v) return v.hazardId !== null ? `hazard ${v.hazardId} (violation ${v.id})` : `violation ${v.id}`;
      const h = refs.openHoldOn(seg.cameraId, seg.startedAt, seg.endedAt);
      return h ? `hold ${h.id} (${h.reason})` : null;
    },
  };
}

/** The shortest retention any segment can have: younger segments are not examined. */
export function minRetentionDays(cfg: RecordingConfig['retention']): number {
  return Math.min(cfg.defaultDays, ...Object.values(cfg.byKind));
}
