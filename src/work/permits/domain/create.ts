import { PermitErrors } from './errors.ts';
import { effectiveLevel, maxValidityMs, overlapsNight, type NightWindow } from './rules.ts';
import type { EscalationReason, HotLevel, Permit, PermitKind, PermitWorker } from './types.ts';

export interface DraftInput {
  id: string;
  number: string;
  enterpriseId: string;
  siteId: string;
  kind: PermitKind;
  level: HotLevel | null;
  location: string;
  description: string;
  validFrom: number;
  validTo: number;
  workers: PermitWorker[];
  guardianUserId: number | null;
  cameraIds: string[];
  machineIds: string[];
  lockIds: string[];
  measures: string[];
  linkedPermitIds: string[];
  toxicRisk: boolean;
  lelPct: number | null;
  workPoint?: { lat: number; lon: number } | null;
  holiday: boolean;
  specialCircumstance: boolean;
}

/**
 * A new 草稿: the effective level is raised by one for holidays, nights or special circumstances,
 * and the window must fit the (effective) level's limit.
 */
export function draftPermit(input: DraftInput, now: number, night: NightWindow): Permit {
  if (input.validTo <= input.validFrom) throw PermitErrors.badWindow();
  let level: HotLevel | null = null;
  const reasons: EscalationReason[] = [];
  if (input.kind === 'hot_work') {
    if (!input.level) throw PermitErrors.levelRequired();
    if (input.holiday) reasons.push('holiday');
    if (overlapsNight(input.validFrom, input.validTo, night)) reasons.push('night');
    if (input.specialCircumstance) reasons.push('special_circumstance');
    level = effectiveLevel(input.level, reasons).level;
  }
  const limit = maxValidityMs(input.kind, level);
  if (input.validTo - input.validFrom > limit)
    throw PermitErrors.validityTooLong({ level, kind: input.kind, maxHours: limit / 3600_000 });
  return {
    id: input.id,
    number: input.number,
    enterpriseId: input.enterpriseId,
    siteId: input.siteId,
    kind: input.kind,
    requestedLevel: input.kind === 'hot_work' ? input.level : null,
    level,
    escalatedBecause: level !== input.level && input.kind === 'hot_work' ? reasons : [],
    location: input.location,
    description: input.description,
    validFrom: input.validFrom,
    validTo: input.validTo,
    workers: input.workers,
    guardianUserId: input.guardianUserId,
    cameraIds: [...new Set(input.cameraIds)],
    machineIds: [...new Set(input.machineIds)],
    lockIds: [...new Set(input.lockIds)],
    measures: input.measures.map((text) => ({ text, confirmedBy: null, confirmedAt: null })),
    linkedPermitIds: input.linkedPermitIds,
    toxicRisk: input.toxicRisk,
    lelPct: input.lelPct,
    workPoint: input.workPoint ?? null,
    state: 'draft',
    signatures: [],
    startedAt: null,
    suspendedAt: null,
    suspendReason: null,
    endedAt: null,
    createdAt: now,
  };
}
