import type { Db } from '../../platform/store/db.ts';
import type { RecordingConfig } from '../../video/recording/config.schema.ts';
import type { RecordingRepo } from '../../video/recording/recording.repo.ts';
import { violationsOn, type TimelineViolation } from './recording-references.repo.ts';

/** States a permit is recorded in: from the start to the completion, suspensions included. */
const RECORDED = new Set(['active', 'suspended']);

export type PermitForTimeline = {
  id: string;
  number: string;
  kind: string;
  level: string | null;
  enterpriseId: string;
  cameraIds: string[];
};

export interface RecordingTimeline {
  permit: PermitForTimeline;
  /** what the player shows: the recorded windows widened by the pre and post roll */
  from: string;
  to: string;
  /** when the permit was active or suspended (the recorder's reason to record), `to` null while open */
  windows: { from: string; to: string | null; suspended: { from: string; to: string | null }[] }[];
  segments: {
    id: number;
    cameraId: string;
    startedAt: string;
    endedAt: string;
    bytes: number;
    sha256: string;
    codec: string;
    /** decode time of the segment's first fragment (s): the player shifts the segment by it */
    mediaStart: number;
    deleted: { at: string; reason: string } | null;
    url: string | null;
  }[];
  gaps: { cameraId: string; from: string; to: string; cause: string; message: string }[];
  violations: TimelineViolation[];
}

type History = { to: string; at: number }[];

/** Work windows from the permit's history: into active/suspended opens one, out of both closes it. */
export function recordedWindows(history: History): RecordingTimeline['windows'] {
  const out: RecordingTimeline['windows'] = [];
  let open: RecordingTimeline['windows'][number] | null = null;
  for (const h of history) {
    const at = new Date(h.at).toISOString();
    if (RECORDED.has(h.to)) {
      open ??= { from: at, to: null, suspended: [] };
      const last = open.suspended.at(-1);
      if (h.to === 'suspended') open.suspended.push({ from: at, to: null });
      else if (last && last.to === null) last.to = at;
      if (!out.includes(open)) out.push(open);
    } else if (open) {
      open.to = at;
      const last = open.suspended.at(-1);
      if (last && last.to === null) last.to = at;
      open = null;
    }
  }
  return out;
}

/** A permit's recording: its segments (deleted ones marked), gaps and violations on its cameras. */
export function permitTimeline(
  db: Db,
  repo: RecordingRepo,
  cfg: Pick<RecordingConfig, 'preRollSeconds' | 'postRollSeconds'>,
  permit: PermitForTimeline,
  history: History,
  now: number,
): RecordingTimeline {
  const windows = recordedWindows(history);
  const first = windows[0];
  const last = windows.at(-1);
  const from = first ? Date.parse(first.from) - cfg.preRollSeconds * 1000 : now;
  const to = last ? (last.to ? Date.parse(last.to) : now) + cfg.postRollSeconds * 1000 : now;
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    permit,
    from: iso(from),
    to: iso(to),
    windows,
    segments:
      from < to
        ? repo.segments(permit.cameraIds, from, to).map((s) => ({
            id: s.id,
            cameraId: s.cameraId,
            startedAt: iso(s.startedAt),
            endedAt: iso(s.endedAt),
            bytes: s.bytes,
            sha256: s.sha256,
            codec: s.codec,
            mediaStart: s.mediaStart,
            deleted: s.deletedAt === null ? null : { at: iso(s.deletedAt), reason: s.deleteReason ?? '' },
            url: s.deletedAt === null ? `/api/recordings/segments/${s.id}` : null,
          }))
        : [],
    gaps:
      from < to
        ? repo.gaps(permit.cameraIds, from, to).map((g) => ({
            cameraId: g.cameraId,
            from: iso(g.fromAt),
            to: iso(g.toAt),
            cause: g.cause,
            message: g.message,
          }))
        : [],
    violations: from < to ? violationsOn(db, permit.cameraIds, from, to) : [],
  };
}
