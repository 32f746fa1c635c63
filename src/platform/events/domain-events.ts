import type { HealthState } from '../../video/ingest/types.ts';
import type { CameraEventMap } from '../../video/cameras/camera.events.ts';
import type {
  RecordingDiskAlarmPayload,
  RecordingGapPayload,
  SegmentClosedPayload,
  SegmentDeletedPayload,
} from '../../video/recording/events.ts';
import type { RecordingHoldPayload } from '../../oversight/audit/recording-holds.repo.ts';
import type { HazardEventMap } from '../../oversight/hazards/hazard.events.ts';
import type { InspectionEventMap } from '../../oversight/inspections/inspection.events.ts';
import type { EnterpriseEventMap } from '../../oversight/enterprises/enterprise.events.ts';
import type {
  EvidenceDeletedPayload,
  EvidenceStoredPayload,
  EvidenceTamperedPayload,
  EvidenceUnavailablePayload,
  ViolationEventPayload,
  ZonesChangedPayload,
} from '../../supervision/violations/events.ts';
import type {
  GasTestedPayload,
  LockPayload,
  MachinePowerPayload,
  MachineViolationPayload,
  PermitEventPayload,
  ResumeBlockedPayload,
  ScanPayload,
} from '../../work/permits/events.ts';

/**
 * Typed domain events (name: `area.pastTense`). Each module adds its events to this map; the outbox
 * stores them, in-process subscribers react to them, and a future shipper forwards them to the hub.
 */
export interface DomainEventMap {
  'user.loggedIn': { userId: number; username: string };
  /** Account changes by an enterprise admin (who changed what; never the password itself). */
  'user.created': { userId: number; username: string; role: string; by: string };
  'user.updated': { userId: number; changes: string[]; by: string };
  'config.applied': { sites: number; cameras: number };
  // closed loop 隐患 (src/oversight/hazards/hazard.events.ts)
  'hazard.registered': HazardEventMap['hazard.registered'];
  'hazard.assessed': HazardEventMap['hazard.assessed'];
  'hazard.dispatched': HazardEventMap['hazard.dispatched'];
  'hazard.rectified': HazardEventMap['hazard.rectified'];
  'hazard.verified': HazardEventMap['hazard.verified'];
  'hazard.closed': HazardEventMap['hazard.closed'];
  'hazard.overdue': HazardEventMap['hazard.overdue'];
  'hazard.responsibleNotified': HazardEventMap['hazard.responsibleNotified'];
  // 执法检查 by regulators (src/oversight/inspections/inspection.events.ts)
  'inspection.recorded': InspectionEventMap['inspection.recorded'];
  'inspection.updated': InspectionEventMap['inspection.updated'];
  'inspection.findingAdded': InspectionEventMap['inspection.findingAdded'];
  'inspection.deleted': InspectionEventMap['inspection.deleted'];
  // 一企一档 and the 监管等级 override (src/oversight/enterprises/enterprise.events.ts)
  'enterprise.recordUpdated': EnterpriseEventMap['enterprise.recordUpdated'];
  'enterprise.gradeOverridden': EnterpriseEventMap['enterprise.gradeOverridden'];
  // cameras added, edited, disabled, removed at run time (src/video/cameras/camera.events.ts)
  'camera.added': CameraEventMap['camera.added'];
  'camera.changed': CameraEventMap['camera.changed'];
  'camera.removed': CameraEventMap['camera.removed'];
  /** Published by ingest only when a camera's health state changes. */
  'camera.healthChanged': {
    cameraId: string;
    siteId: string;
    from: HealthState | null;
    to: HealthState;
    reason: string;
    message: string;
    since: string;
  };
  // permits, 一机一码 machines and 加锁赋码 locks (src/work/permits/events.ts)
  'permit.created': PermitEventPayload;
  'permit.submitted': PermitEventPayload;
  'permit.approved': PermitEventPayload;
  'permit.rejected': PermitEventPayload;
  'permit.started': PermitEventPayload;
  'permit.suspended': PermitEventPayload;
  'permit.resumed': PermitEventPayload;
  'permit.completed': PermitEventPayload;
  'permit.revoked': PermitEventPayload;
  'permit.expired': PermitEventPayload;
  'permit.gasTested': GasTestedPayload;
  'permit.resumeBlocked': ResumeBlockedPayload;
  'machine.scanned': ScanPayload;
  'machine.powerChanged': MachinePowerPayload;
  'machine.violationDetected': MachineViolationPayload;
  'lock.unlockGranted': LockPayload;
  'lock.changed': LockPayload;
  'lock.entryRecorded': LockPayload;
  'lock.violationDetected': LockPayload;
  // violations, evidence and zones (src/supervision/violations/events.ts)
  'violation.started': ViolationEventPayload;
  'violation.updated': ViolationEventPayload;
  'violation.ended': ViolationEventPayload;
  'violation.reviewed': ViolationEventPayload;
  'evidence.stored': EvidenceStoredPayload;
  /** retention deleted an unattached evidence file (the only legitimate way one disappears) */
  'evidence.deleted': EvidenceDeletedPayload;
  /** the evidence route found a file whose bytes changed since it was stored (an alarm) */
  'evidence.tampered': EvidenceTamperedPayload;
  /** a violation's snapshot was not made: no frame near the detection showed the scene (#27) */
  'evidence.unavailable': EvidenceUnavailablePayload;
  'zones.changed': ZonesChangedPayload;
  /** A disk write failed (#23): once per episode and folder area, for every wall (no path inside). */
  'storage.writeFailed': {
    area: 'evidence' | 'data';
    code: string;
    titleZh: string;
    title: string;
    since: string;
  };
  /** recording by permit (src/video/recording/events.ts): each segment's sha256 enters the chain */
  'recording.segmentClosed': SegmentClosedPayload;
  /** time a recorded camera had no video (feed ended, stalled): the gaps are chained too */
  'recording.gap': RecordingGapPayload;
  /** retention deleted a segment (the only legitimate way one disappears) */
  'recording.segmentDeleted': SegmentDeletedPayload;
  /** an audit question holds a camera's recorded window: retention keeps it until closed */
  'recording.holdOpened': RecordingHoldPayload;
  'recording.holdClosed': RecordingHoldPayload;
  /** the recordings near their disk budget (alarm) or back below it */
  'recording.diskAlarm': RecordingDiskAlarmPayload;
  /** The episode's folder has room again (src/platform/observability/disk-faults.ts). */
  'storage.recovered': { area: 'evidence' | 'data'; failedAt: string; at: string };
}

export type DomainEventType = keyof DomainEventMap;

export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  id: number;
  type: T;
  enterpriseId: string | null;
  payload: DomainEventMap[T];
  occurredAt: string;
}
