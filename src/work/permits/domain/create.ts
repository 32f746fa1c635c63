import { KINDS, type KindRegistry } from '../../kinds/index.ts';
import { PermitErrors } from './errors.ts';
import { effectiveLevel, overlapsNight, type NightWindow } from './rules.ts';
import type { EscalationReason, Permit, PermitKind, PermitLevel, PermitWorker } from './types.ts';

export interface DraftInput {
  id: string;
  number: string;
  enterpriseId: string;
  siteId: string;
  kind: PermitKind;
  /** asked-for level; ignored for a kind without levels */
  level: PermitLevel | null;
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
 * A new 草稿 of a registered kind. For a kind with levels the level is required and is raised by one
 * for the escalation reasons the kind names (holidays, nights, special circumstances); the window must
 * fit the (effective) level's limit.
 */
export function draftPermit(
  input: DraftInput,
  now: number,
  night: NightWindow,
  kinds: KindRegistry = KINDS,
): Permit {
  const kind = kinds.kindOf(input.kind);
  if (input.validTo <= input.validFrom) throw PermitErrors.badWindow();
  let level: PermitLevel | null = null;
  let requestedLevel: PermitLevel | null = null;
  let escalatedBecause: EscalationReason[] = [];
  if (kind.levels.length > 0) {
    if (!input.level)
      throw PermitErrors.levelRequired({ kind: kind.id, levels: kind.levels.map((l) => l.id) });
    kinds.levelRules(kind, input.level); // refuses a level the kind does not have
    const reasons: EscalationReason[] = [];
    if (input.holiday) reasons.push('holiday');
    if (overlapsNight(input.validFrom, input.validTo, night)) reasons.push('night');
    if (input.specialCircumstance) reasons.push('special_circumstance');
    const effective = effectiveLevel(kind, input.level, reasons);
    requestedLevel = input.level;
    level = effective.level;
    if (effective.escalated) escalatedBecause = reasons.filter((r) => kind.escalatesOn.includes(r));
  }
  const limit = kinds.levelRules(kind, level).maxValidityMs;
  if (input.validTo - input.validFrom > limit)
    throw PermitErrors.validityTooLong({ level, kind: input.kind, maxHours: limit / 3600_000 });
  return {
    id: input.id,
    number: input.number,
    enterpriseId: input.enterpriseId,
    siteId: input.siteId,
    kind: input.kind,
    requestedLevel,
    level,
    escalatedBecause,
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
