import { randomUUID } from 'node:crypto';
import type { EventBus } from '../../platform/events/event-bus.ts';
import { KINDS } from '../kinds/index.ts';
import { draftPermit, type DraftInput } from './domain/create.ts';
import { assertLinkable } from './domain/simops.ts';
import type { Permit } from './domain/types.ts';
import { permitEventPayload } from './events.ts';
import {
  PermitInputErrors,
  checkDraftBindings,
  guardianIdOf,
  resolveWorkers,
  type DraftInputDeps,
} from './permits.input.ts';
import type { Caller } from './permits.ports.ts';
import type { PermitsRepo } from './permits.repo.ts';

/** A new permit as asked for: names (workers, guardian) instead of ids; the enterprise defaults to the caller's. */
export type NewPermitBody = Omit<
  DraftInput,
  'id' | 'number' | 'enterpriseId' | 'workers' | 'guardianUserId'
> & {
  enterpriseId?: string;
  workers: string[];
  guardian: string | null;
};

interface CreateContext {
  deps: DraftInputDeps;
  repo: PermitsRepo;
  bus: EventBus;
  now: number;
}

/**
 * Checks what a new permit names (in this order: site, bindings, workers, guardian, then the linked
 * permits, so each refusal is the one a user would expect first), then stores the draft, its links,
 * its history row and its `permit.created` event in one transaction.
 */
export function createDraft(
  x: CreateContext,
  c: Caller,
  body: NewPermitBody,
  linkedPermits: () => Permit[],
  addLink: (linked: Permit, newId: string, now: number) => void,
): Permit {
  const enterpriseId = body.enterpriseId ?? c.principal.enterpriseId;
  c.scope.assert(enterpriseId);
  if (!enterpriseId) throw PermitInputErrors.badSite({ siteId: body.siteId });
  checkDraftBindings(x.deps, enterpriseId, body);
  const { now } = x;
  const workers = resolveWorkers(x.deps, enterpriseId, body.kind, body.workers, now);
  const guardianUserId = body.guardian ? guardianIdOf(x.deps.users, body.guardian, enterpriseId) : null;
  const local = new Date(now + x.deps.config.permits.night.utcOffsetMinutes * 60_000).toISOString();
  const prefix = `${KINDS.kindOf(body.kind).numberPrefix}-${local.slice(0, 10).replace(/-/g, '')}-`;
  const linked = linkedPermits();
  return x.bus.transaction(() => {
    const p = draftPermit(
      {
        ...body,
        id: randomUUID(),
        number: x.repo.nextNumber(prefix),
        enterpriseId,
        workers,
        guardianUserId,
        linkedPermitIds: linked.map((l) => l.id),
      },
      now,
      x.deps.config.permits.night,
    );
    for (const l of linked) assertLinkable(p, l);
    x.repo.insert(p);
    for (const l of linked) addLink(l, p.id, now);
    x.repo.history(p.id, 'created', null, 'draft', c.principal.userId, null, now);
    x.bus.publish('permit.created', p.enterpriseId, permitEventPayload(p, null, c.principal.userId, null));
    return p;
  });
}
