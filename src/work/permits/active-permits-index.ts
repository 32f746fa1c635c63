import type { DomainEvent, DomainEventType } from '../../platform/events/domain-events.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { Permit } from './domain/types.ts';

/** What the video side needs to know of an active permit. */
export interface ActivePermitRef {
  permitId: string;
  kind: string;
  cameraIds: readonly string[];
  validTo: number;
}

type CameraListener = (cameraId: string, active: boolean) => void;

/** The permit events that move a permit into or out of `active`. */
const STATE_EVENTS = [
  'permit.started',
  'permit.resumed',
  'permit.suspended',
  'permit.completed',
  'permit.revoked',
  'permit.expired',
] as const satisfies readonly DomainEventType[];

/**
 * Which permits are active on which camera, kept in memory from the `permit.*` events (heard after
 * they commit) instead of polling SQLite: the rules read it on every frame, the detect scheduler's
 * priority hears its changes. Seeded once from the store at construction; a permit past its window
 * counts as inactive at once, before the expiry sweep's event.
 */
export class ActivePermitsIndex {
  private readonly byPermit = new Map<string, ActivePermitRef>();
  private readonly listeners = new Set<CameraListener>();
  private readonly offs: (() => void)[];

  constructor(
    bus: EventBus,
    seed: readonly Permit[],
    private readonly lookup: (permitId: string) => Permit | undefined,
  ) {
    for (const p of seed) if (p.state === 'active') this.byPermit.set(p.id, refOf(p));
    this.offs = STATE_EVENTS.map((type) => bus.on(type, (e) => this.apply(e)));
  }

  /** Kinds of the permits active on a camera at `now`. */
  kindsOn(cameraId: string, now: number): string[] {
    const kinds: string[] = [];
    for (const r of this.byPermit.values())
      if (now < r.validTo && r.cameraIds.includes(cameraId)) kinds.push(r.kind);
    return kinds;
  }

  hasActive(cameraId: string, now: number): boolean {
    return this.kindsOn(cameraId, now).length > 0;
  }

  /** Cameras with at least one permit active at `now`. */
  camerasActive(now: number): string[] {
    const ids = new Set<string>();
    for (const r of this.byPermit.values()) if (now < r.validTo) for (const id of r.cameraIds) ids.add(id);
    return [...ids];
  }

  /** `listener(cameraId, active)` when a camera gains its first or loses its last active permit. */
  onChange(listener: CameraListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    this.listeners.clear();
  }

  private apply(e: DomainEvent<(typeof STATE_EVENTS)[number]>): void {
    const { permitId, to } = e.payload;
    const before = this.camerasWith();
    if (to === 'active') {
      const p = this.lookup(permitId);
      if (p) this.byPermit.set(permitId, refOf(p));
    } else {
      this.byPermit.delete(permitId);
    }
    const after = this.camerasWith();
    for (const id of after) if (!before.has(id)) this.emit(id, true);
    for (const id of before) if (!after.has(id)) this.emit(id, false);
  }

  private camerasWith(): Set<string> {
    return new Set([...this.byPermit.values()].flatMap((r) => r.cameraIds));
  }

  private emit(cameraId: string, active: boolean): void {
    for (const l of this.listeners) l(cameraId, active);
  }
}

function refOf(p: Permit): ActivePermitRef {
  return { permitId: p.id, kind: p.kind, cameraIds: [...p.cameraIds], validTo: p.validTo };
}
