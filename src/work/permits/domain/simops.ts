import { KINDS, type KindRegistry } from '../../kinds/index.ts';
import { PermitErrors } from './errors.ts';
import { TERMINAL_STATES, type Permit } from './types.ts';

/*
 * 交叉作业 (SIMOPS): permits linked because their work overlaps in place and time. A kind that
 * `simops.enclosesLinkedWork` (受限空间) hosts the linked work of kinds that do not (动火 inside the
 * space): that work starts and resumes only while the host is active, stops with it, and its gas
 * samples meet the host kind's rule too. Pure: the service loads the linked permits and applies these.
 */

type Linkable = Pick<Permit, 'id' | 'number' | 'enterpriseId' | 'siteId' | 'state'>;

/** Two permits may be linked: different, same enterprise and site, neither finished. */
export function assertLinkable(p: Linkable, other: Linkable): void {
  if (p.id === other.id)
    throw PermitErrors.badLink({ permitId: p.id, linkedPermitId: other.id, why: 'self' });
  if (p.enterpriseId !== other.enterpriseId || p.siteId !== other.siteId)
    throw PermitErrors.badLink({ permitId: p.id, linkedPermitId: other.id, why: 'other_site' });
  for (const x of [p, other])
    if (TERMINAL_STATES.includes(x.state))
      throw PermitErrors.badLink({ permitId: p.id, linkedPermitId: other.id, why: `${x.number} ${x.state}` });
}

const encloses = (kind: string, kinds: KindRegistry) => kinds.kindOf(kind).simops.enclosesLinkedWork;

/** Does `host` enclose `work` (host's kind encloses, work's kind does not, and they are linked)? */
export function hosts(host: Permit, work: Permit, kinds: KindRegistry = KINDS): boolean {
  return work.linkedPermitIds.includes(host.id) && encloses(host.kind, kinds) && !encloses(work.kind, kinds);
}

/** The linked permits that host `p`'s work. */
export function hostsOf(p: Permit, linked: readonly Permit[], kinds: KindRegistry = KINDS): Permit[] {
  return linked.filter((h) => hosts(h, p, kinds));
}

/** The linked permits whose work `host` encloses and that are active now: they stop when it stops. */
export function activeEnclosedBy(
  host: Permit,
  linked: readonly Permit[],
  kinds: KindRegistry = KINDS,
): Permit[] {
  return linked.filter((w) => w.state === 'active' && hosts(host, w, kinds));
}

/** Work inside a host may start or resume only while every host is active. */
export function assertHostsActive(p: Permit, linked: readonly Permit[], kinds: KindRegistry = KINDS): void {
  for (const h of hostsOf(p, linked, kinds))
    if (h.state !== 'active')
      throw PermitErrors.hostNotActive({
        permitId: p.id,
        hostPermitId: h.id,
        hostNumber: h.number,
        hostState: h.state,
      });
}

/** The kinds whose gas rules a sample of `p` must meet: its own, then its hosts'. */
export function gasKindsOf(p: Permit, linked: readonly Permit[], kinds: KindRegistry = KINDS): string[] {
  return [...new Set([p.kind, ...hostsOf(p, linked, kinds).map((h) => h.kind)])];
}
