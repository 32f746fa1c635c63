import type { Principal } from '../../platform/auth/principal.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import { iso } from '../../platform/shared/clock.ts';
import { Errors } from '../../platform/shared/errors.ts';
import type { HazardEventMap } from './hazard.events.ts';
import { applyAction, type HazardAction } from './hazard.machine.ts';
import { machineActor, machineSnapshot, stepPatch, transitionRow } from './hazard-rows.ts';
import type { Hazard, HazardsRepo } from './hazards.repo.ts';
import type { StoredPhoto } from './photos.ts';

/** The events a step of the loop publishes (registration, overdue and the notice have their own paths). */
export type StepEvent = Exclude<
  keyof HazardEventMap,
  'hazard.registered' | 'hazard.overdue' | 'hazard.responsibleNotified'
>;

/** What a step's event carries beyond the common fields (hazard, states, who, why). */
export type StepExtra<E extends StepEvent> = (
  next: Hazard,
) => Omit<HazardEventMap[E], 'hazardId' | 'from' | 'to' | 'byUserId' | 'by' | 'reason'>;

/**
 * One step of the closed loop on a loaded hazard: the pure machine decides first, then the row (only
 * if still at the version read, else a conflict), the after-photos, the transition and the event are
 * written in one bus transaction.
 */
export function stepHazard<E extends StepEvent>(
  x: { repo: HazardsRepo; bus: EventBus; nowMs: number },
  h: Hazard,
  p: Principal,
  step: { action: HazardAction; reason: string; event: E; extra: StepExtra<E>; afterPhotos: StoredPhoto[] },
): void {
  const { repo, bus, nowMs } = x;
  const { action, reason, event, extra, afterPhotos } = step;
  const id = h.id;
  const now = iso(nowMs);
  const change = applyAction(machineSnapshot(h), action, machineActor(p), nowMs);
  const patch = stepPatch(change, action, p, now);
  bus.transaction(() => {
    if (!repo.update(id, h.version, patch)) throw Errors.conflict({ id });
    for (const s of afterPhotos)
      repo.addPhoto({ hazardId: id, kind: 'after', ...s, addedBy: p.userId, at: now });
    const next = repo.get(id)!;
    const data = { ...extra(next) } as Record<string, unknown>;
    repo.addTransition(transitionRow(id, action.kind, h.state, change.state, p, now, reason, data));
    bus.publish(event, h.enterpriseId, {
      hazardId: id,
      from: h.state,
      to: change.state,
      byUserId: p.userId,
      by: p.displayName,
      reason,
      ...data,
    } as HazardEventMap[E] as never);
  });
}
