/**
 * Typed domain events (name: `area.pastTense`). Each module adds its events to this map; the outbox
 * stores them, in-process subscribers react to them, and a future shipper forwards them to the hub.
 */
export interface DomainEventMap {
  'user.loggedIn': { userId: number; username: string };
  'config.applied': { sites: number; cameras: number };
}

export type DomainEventType = keyof DomainEventMap;

export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  id: number;
  type: T;
  enterpriseId: string | null;
  payload: DomainEventMap[T];
  occurredAt: string;
}
