/**
 * Payloads of the recording events (listed in src/platform/events/domain-events.ts). A closed segment
 * names its file as `{ path, sha256 }`, so `audit verify` re-hashes it like any evidence file; a
 * deletion names it as `deletedPath` / `deletedSha256` (deliberately not `path`/`sha256`) so verify
 * reads a missing file as "deleted by retention on D" instead of tampering.
 */
export interface SegmentClosedPayload {
  segmentId: number;
  cameraId: string;
  siteId: string | null;
  /** relative to store.dataDir when the recordings are under it, else absolute */
  path: string;
  sha256: string;
  bytes: number;
  startedAt: string;
  endedAt: string;
  codec: string;
  /** why it closed: the segment length was reached, the recording stopped, the feed ended */
  closedBy: 'length' | 'stopped' | 'feed_ended' | 'stalled' | 'reinit';
}

export interface RecordingGapPayload {
  cameraId: string;
  siteId: string | null;
  from: string;
  to: string;
  /** machine-readable cause (the relay's code, `stalled`, `not_started`) */
  cause: string;
  message: string;
}

export interface SegmentDeletedPayload {
  segmentId: number;
  cameraId: string;
  deletedPath: string;
  deletedSha256: string;
  reason: 'retention';
  /** the day (Asia/Shanghai) retention deleted it, and the kept-until it passed */
  deletedOn: string;
  keptUntil: string;
}

export interface RecordingDiskAlarmPayload {
  usedBytes: number;
  budgetBytes: number;
  diskUsedPct: number;
  alarm: boolean;
  titleZh: string;
  title: string;
}
