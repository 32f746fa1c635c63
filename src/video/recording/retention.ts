import { rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { EventBus } from '../../platform/events/event-bus.ts';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { RecordingRepo, SegmentRow } from './recording.repo.ts';

const DAY = 86_400_000;

/**
 * What decides a segment's fate, given by the composition root (the permits, violations, hazards and
 * holds that refer to it live in other contexts).
 */
export interface SegmentPolicy {
  /** days to keep it: the longest retention of the permits it was recorded for (default days if none) */
  keepDays(seg: SegmentRow): number;
  /** what still refers to it (`violation 12`, `hazard 3`, `hold 2`), or null */
  referencedBy(seg: SegmentRow): string | null;
}

export interface SweepResult {
  deleted: number;
  /** segments past their retention kept because something refers to them */
  keptReferenced: { segmentId: number; by: string }[];
}

/** Asia/Shanghai calendar day, the day a regulator reads in "deleted by retention on D". */
export const shanghaiDay = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * Deletes segments past their retention that nothing refers to. Each deletion is a chained
 * `recording.segmentDeleted` written with the row's mark in one transaction; the file goes after
 * the commit (a crash between leaves a file retention already accounted for, never the reverse).
 */
export class RecordingRetention {
  constructor(
    private readonly repo: RecordingRepo,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly dataDir: string,
    private readonly policy: SegmentPolicy,
    /** the shortest retention any permit may have: younger segments are not even looked at */
    private readonly minDays: number,
  ) {}

  sweep(): SweepResult {
    const now = this.clock.now();
    const out: SweepResult = { deleted: 0, keptReferenced: [] };
    for (const seg of this.repo.endedBefore(now - this.minDays * DAY, 100_000)) {
      const keptUntil = seg.endedAt + this.policy.keepDays(seg) * DAY;
      if (now < keptUntil) continue;
      const by = this.policy.referencedBy(seg);
      if (by) {
        out.keptReferenced.push({ segmentId: seg.id, by });
        continue;
      }
      const marked = this.bus.transaction(() => {
        if (!this.repo.markDeleted(seg.id, now, 'retention')) return false;
        this.bus.publish('recording.segmentDeleted', seg.enterpriseId, {
          segmentId: seg.id,
          cameraId: seg.cameraId,
          deletedPath: seg.path,
          deletedSha256: seg.sha256,
          reason: 'retention',
          deletedOn: shanghaiDay(now),
          keptUntil: iso(keptUntil),
        });
        return true;
      });
      if (!marked) continue;
      out.deleted++;
      try {
        rmSync(isAbsolute(seg.path) ? seg.path : join(this.dataDir, seg.path), { force: true });
      } catch (err) {
        this.logger.warn({ err, path: seg.path }, 'recording retention could not remove a file');
      }
    }
    return out;
  }
}
