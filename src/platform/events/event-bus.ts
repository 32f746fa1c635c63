import type { Clock } from '../shared/clock.ts';
import { iso } from '../shared/clock.ts';
import type { DomainEvent, DomainEventMap, DomainEventType } from './domain-events.ts';
import type { OutboxRepo } from './outbox.repo.ts';

type Handler<T extends DomainEventType> = (event: DomainEvent<T>) => void;

/**
 * Publishing writes the event to the outbox (inside the caller's transaction when there is one) and,
 * once written, hands it to in-process subscribers (socket.io push, MQTT, audit chain). Subscribers run
 * after the write, so nothing is pushed that is not stored.
 */
export class EventBus {
  private readonly handlers = new Map<string, Set<Handler<DomainEventType>>>();
  private readonly any = new Set<Handler<DomainEventType>>();
  constructor(
    private readonly outbox: OutboxRepo,
    private readonly clock: Clock,
  ) {}

  private buffered: DomainEvent[] | null = null;

  publish<T extends DomainEventType>(
    type: T,
    enterpriseId: string | null,
    payload: DomainEventMap[T],
  ): DomainEvent<T> {
    const event = this.outbox.append(type, enterpriseId, payload, iso(this.clock.now()));
    if (this.buffered) this.buffered.push(event);
    else this.dispatch(event);
    return event;
  }

  /**
   * Runs `fn` in one SQLite transaction: state changes and their events commit together, and
   * subscribers hear of the events only after the commit (never of a rolled-back change).
   */
  transaction<R>(fn: () => R): R {
    if (this.buffered) return fn(); // nested: the outer transaction dispatches
    this.buffered = [];
    let events: DomainEvent[] = [];
    try {
      const result = this.outbox.transaction(fn);
      events = this.buffered;
      return result;
    } finally {
      this.buffered = null;
      for (const e of events) this.dispatch(e);
    }
  }

  on<T extends DomainEventType>(type: T, handler: Handler<T>): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler as unknown as Handler<DomainEventType>);
    return () => set.delete(handler as unknown as Handler<DomainEventType>);
  }

  onAny(handler: Handler<DomainEventType>): () => void {
    this.any.add(handler);
    return () => this.any.delete(handler);
  }

  private dispatch(event: DomainEvent): void {
    for (const h of [...(this.handlers.get(event.type) ?? []), ...this.any]) {
      try {
        h(event);
      } catch (e) {
        // A failing subscriber must not undo or block the stored event.
        process.emitWarning(`event handler for ${event.type} failed: ${(e as Error).message}`);
      }
    }
  }
}
