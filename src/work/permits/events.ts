import { STATE_NAMES_ZH, type Permit, type PermitState } from './domain/types.ts';

/**
 * Payloads of the permits / machines / locks domain events (listed in src/platform/events/domain-events.ts).
 * `notifyUserIds` names who must hear of it (workers, guardian); the enterprise room reaches the
 * safety officers; `cameraId` (when set) also reaches the camera's room.
 */
export interface PermitEventPayload {
  permitId: string;
  number: string;
  kind: string;
  from: PermitState | null;
  to: PermitState;
  actorUserId: number | null;
  reason: string | null;
  cameraIds: string[];
  cameraId?: string;
  notifyUserIds: number[];
  messageZh: string;
  message: string;
}

export interface GasTestedPayload {
  permitId: string;
  gasTestId: number;
  passed: boolean;
  failures: string[];
  analyst: string;
  takenAt: string;
}

export interface ResumeBlockedPayload {
  permitId: string;
  cameraId: string;
  code: string;
  messageZh: string;
  message: string;
}

export interface ScanPayload {
  scanId: number;
  machineId: string | null;
  userId: number;
  result: string;
  permitId: string | null;
  cameraId?: string;
  warnings: string[];
}

export type MachineViolationKind = 'no_permit_hot_work' | 'unmonitored_hot_work';

export interface MachineViolationPayload {
  machineId: string;
  siteId: string;
  kind: MachineViolationKind;
  severity: 'major';
  titleZh: string;
  title: string;
  permitId: string | null;
  cameraId?: string;
  currentA: number;
  at: string;
}

export interface MachinePowerPayload {
  machineId: string;
  siteId: string;
  powered: boolean;
  authorised: boolean;
  permitId: string | null;
  userId: number | null;
  cameraId?: string;
}

export interface LockPayload {
  lockId: string;
  siteId: string;
  cameraId: string;
  event: string;
  permitId: string | null;
  authorised: boolean;
  /** lock.changed since 2026-12-06: the lock_events row this event records, and its time */
  lockEventId?: number;
  at?: string;
  person?: string;
  messageZh?: string;
  message?: string;
}

/** The payload of every `permit.*` transition event (who to notify, a sentence in both languages). */
export function permitEventPayload(
  p: Permit,
  from: PermitState | null,
  userId: number | null,
  reason: string | null,
  cameraId?: string,
): PermitEventPayload {
  const notify = new Set(p.workers.map((w) => w.userId));
  if (p.guardianUserId !== null) notify.add(p.guardianUserId);
  const why = reason ? `（${reason}）` : '';
  return {
    permitId: p.id,
    number: p.number,
    kind: p.kind,
    from,
    to: p.state,
    actorUserId: userId,
    reason,
    cameraIds: p.cameraIds,
    ...(cameraId ? { cameraId } : {}),
    notifyUserIds: [...notify],
    messageZh: `作业票 ${p.number} ${from ? STATE_NAMES_ZH[from] + ' → ' : ''}${STATE_NAMES_ZH[p.state]}${why}`,
    message: `Permit ${p.number} ${from ? from + ' → ' : ''}${p.state}${reason ? ` (${reason})` : ''}`,
  };
}
