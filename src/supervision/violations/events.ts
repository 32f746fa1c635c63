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
  sha256: string;
  bytes: number;
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
