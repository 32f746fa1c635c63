import type { Principal } from '../../platform/auth/principal.ts';
import { roleHas } from '../../platform/auth/permissions.ts';
import { iso } from '../../platform/shared/clock.ts';
import type { Actor, HazardAction, HazardSnapshot, HazardState, Stage } from './hazard.machine.ts';
import type { HazardFormFields } from './hazard.events.ts';
import type { Hazard, HazardTransition, NewHazard } from './hazards.repo.ts';

/**
 * The pure translations between stored hazards and the pure machine (hazard.machine.ts): what the machine
 * reads of a row and of the acting user, and the rows the service writes for a registration or a step.
 * Nothing here touches the database or the bus, so the service's steps read as load → apply → write.
 */

export interface RegisterInput {
  enterpriseId: string;
  siteId?: string;
  source: 'violation' | 'inspection' | 'public';
  violationId?: string;
  stage: Stage;
  checker: string;
  supervisingUnit?: string;
  description: string;
  location?: string;
  basis?: string;
  hazardType: string;
  foundAt?: string;
  penaltyYuan?: number;
  penaltyNote?: string;
  photos?: string[];
  reason?: string;
}

/** The new hazard's row; its keys are the columns the INSERT names (hazards.repo.ts). */
export function newHazardRow(input: RegisterInput, p: Principal, now: string): NewHazard {
  return {
    enterpriseId: input.enterpriseId,
    siteId: input.siteId ?? null,
    source: input.source,
    violationId: input.violationId ?? null,
    stage: input.stage,
    checker: input.checker,
    supervisingUnit: input.supervisingUnit ?? null,
    description: input.description,
    location: input.location ?? null,
    basis: input.basis ?? null,
    hazardType: input.hazardType,
    penaltyYuan: input.penaltyYuan ?? 0,
    penaltyNote: input.penaltyNote ?? null,
    foundAt: input.foundAt ? iso(Date.parse(input.foundAt)) : now,
    registeredBy: p.userId,
    updatedAt: now,
  };
}

/** The row's columns hazard.registered ships for the county hub's annex forms. */
export function formFields(r: NewHazard): HazardFormFields {
  return {
    siteId: r.siteId,
    checker: r.checker,
    supervisingUnit: r.supervisingUnit,
    location: r.location,
    basis: r.basis,
    hazardType: r.hazardType,
    penaltyYuan: r.penaltyYuan,
    penaltyNote: r.penaltyNote,
    foundAt: r.foundAt,
  };
}

export function machineSnapshot(h: Hazard): HazardSnapshot {
  return {
    state: h.state,
    level: h.level,
    responsibleUserId: h.responsibleUserId,
    deadline: h.deadline ? Date.parse(h.deadline) : null,
    five: h.five,
    registeredBy: h.registeredBy,
    rectifiedBy: h.rectifiedBy,
  };
}

export function machineActor(p: Principal): Actor {
  return { userId: p.userId, canManage: roleHas(p.role, 'hazard:write') };
}

/** The columns a step changes, from the machine's answer (`change`) to `action`. */
export function stepPatch(
  change: Partial<HazardSnapshot> & { state: HazardState },
  action: HazardAction,
  p: Principal,
  now: string,
): Partial<Hazard> {
  return {
    state: change.state,
    updatedAt: now,
    ...(change.level !== undefined ? { level: change.level } : {}),
    ...(change.five !== undefined ? { five: change.five } : {}),
    ...(change.responsibleUserId !== undefined ? { responsibleUserId: change.responsibleUserId } : {}),
    ...(change.deadline !== undefined && change.deadline !== null
      ? { deadline: iso(change.deadline), overdueLevel: 0 }
      : {}),
    ...(change.rectifiedBy !== undefined
      ? { rectifiedBy: change.rectifiedBy, rectifiedAt: change.rectifiedBy ? now : null }
      : {}),
    ...(action.kind === 'verify' && action.passed ? { verifiedBy: p.userId, verifiedAt: now } : {}),
    ...(action.kind === 'close' ? { closedAt: now } : {}),
  };
}

export function transitionRow(
  hazardId: number,
  action: string,
  from: Hazard['state'] | null,
  to: Hazard['state'],
  p: Principal,
  at: string,
  reason: string,
  data: Record<string, unknown> | null,
): Omit<HazardTransition, 'id'> {
  return {
    hazardId,
    action,
    fromState: from,
    toState: to,
    actorUserId: p.userId,
    actorName: p.displayName,
    actorRole: p.role,
    at,
    reason,
    data,
  };
}
