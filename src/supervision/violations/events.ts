import type { Box } from '../../vision/detect/types.ts';
import type { Severity, ViolationType } from '../rules/types.ts';

/** Payload of violation.started|updated|ended|reviewed (cameraId → socket.io room camera:<id>). */
export interface ViolationEventPayload {
  violationId: number;
  cameraId: string;
  siteId: string;
  type: ViolationType;
  typeZh: string;
  severity: Severity;
  state: 'active' | 'ended';
  review: 'pending' | 'confirmed' | 'dismissed';
  trackId: number | null;
  zoneId: string | null;
  startedAt: string;
  lastSeenAt: string;
  endedAt: string | null;
  box: Box | null;
}

export interface EvidenceStoredPayload {
  evidenceId: number;
  violationId: number | null;
  cameraId: string;
  kind: 'snapshot' | 'clip';
  /**
   * Since 2026-12-06: the file, relative to the data folder (`evidence/...`). With `sha256` it is an
   * evidence reference, so `audit verify` re-hashes the file until a chained `evidence.deleted`.
   */
  path?: string;
  sha256: string;
  bytes: number;
}

/**
 * Retention deleted an unattached evidence row and its file. Deliberately not `path`/`sha256`: those
 * names would make it an evidence reference that verify expects to find on disk.
 */
export interface EvidenceDeletedPayload {
  evidenceId: number;
  cameraId: string;
  kind: 'snapshot' | 'clip';
  deletedPath: string;
  deletedSha256: string;
  reason: 'retention';
}

/**
 * A violation's snapshot was not made because no frame near the detection showed the scene (all
 * black) or none was kept any more: recorded instead of a picture that proves nothing (#27).
 */
export interface EvidenceUnavailablePayload {
  violationId: number;
  cameraId: string;
  kind: 'snapshot';
  reason: 'no_usable_frame' | 'frame_not_kept';
  detectedAt: string;
  framesLooked: number;
  meanLuma: number | null;
}

/** An evidence file's bytes no longer hash to what was stored (found on download): an alarm. */
export interface EvidenceTamperedPayload {
  evidenceId: number;
  cameraId: string;
  kind: 'snapshot' | 'clip';
  expectedSha256: string;
  actualSha256: string;
}

export interface ZonesChangedPayload {
  cameraId: string;
  version: number;
  zones: number;
}
