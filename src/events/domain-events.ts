import type { HealthState } from '../ingest/types.ts';

/**
 * Typed domain events (name: `area.pastTense`). Each module adds its events to this map; the outbox
 * stores them, in-process subscribers react to them, and a future shipper forwards them to the hub.
 */
export interface DomainEventMap {
  'user.loggedIn': { userId: number; username: string };
  'config.applied': { sites: number; cameras: number };
  /** Published by ingest only when a camera's health state changes. */
  'camera.healthChanged': {
    cameraId: string;
    siteId: string;
    from: HealthState | null;
    to: HealthState;
    reason: string;
    message: string;
    since: string;
  };
}

export type DomainEventType = keyof DomainEventMap;

export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  id: number;
  type: T;
  enterpriseId: string | null;
  payload: DomainEventMap[T];
  occurredAt: string;
}
