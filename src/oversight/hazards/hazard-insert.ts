import type { Principal } from '../../platform/auth/principal.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import { formFields, newHazardRow, transitionRow, type RegisterInput } from './hazard-rows.ts';
import type { HazardsRepo } from './hazards.repo.ts';
import { decodePhoto, storePhoto } from './photos.ts';
import type { LinkedEvidence } from './violation-link.ts';

/** Stores the hazard, its photos and its first transition, and publishes hazard.registered. */
export function insertHazard(
  x: { repo: HazardsRepo; bus: EventBus; dataDir: string; now: string },
  p: Principal,
  input: RegisterInput,
  linked: LinkedEvidence[],
): number {
  const photos = (input.photos ?? []).map((b, i) => decodePhoto(b, i));
  const stored = [...linked, ...photos.map((ph) => storePhoto(x.dataDir, input.enterpriseId, ph))];
  const { now } = x;
  return x.bus.transaction(() => {
    const row = newHazardRow(input, p, now);
    const id = x.repo.insert(row);
    for (const s of stored)
      x.repo.addPhoto({ hazardId: id, kind: 'before', ...s, addedBy: p.userId, at: now });
    const reason = input.reason ?? '登记隐患 registered';
    x.repo.addTransition(transitionRow(id, 'register', null, 'registered', p, now, reason, null));
    x.bus.publish('hazard.registered', input.enterpriseId, {
      hazardId: id,
      from: null,
      to: 'registered',
      byUserId: p.userId,
      by: p.displayName,
      reason,
      source: input.source,
      violationId: input.violationId ?? null,
      stage: input.stage,
      description: input.description,
      photos: stored.map(({ path, sha256 }) => ({ path, sha256 })),
      form: formFields(row),
    });
    return id;
  });
}
