import type { EventBus } from '../../platform/events/event-bus.ts';
import type { MqttBus } from '../../platform/mqtt/mqtt-bus.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { listErrors } from '../../platform/shared/errors.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { EventLogRepo } from '../audit/event-log.repo.ts';
import {
  ALERT_EVENT_TYPES,
  SYSTEM_ALERT_EVENT_TYPES,
  alertTopic,
  siteAlertOf,
  type DescribeCode,
  type SiteAlert,
} from './site-alert.ts';

const HOUR = 3_600_000;

const describeCode: DescribeCode = (() => {
  let byCode: Map<string, { zh: string; en: string }> | undefined;
  // read lazily: every module has defined its errors by the time the first alert is asked for
  return (code) => (byCode ??= new Map(listErrors().map((e) => [e.code, e]))).get(code);
})();

/** The wall's alert feed, read from the chained event log, and its MQTT copy. */
export class AlertsService {
  constructor(
    private readonly log: EventLogRepo,
    private readonly clock: Clock,
  ) {}

  /** Alerts of the last `hours` in these enterprises, newest first. */
  recent(enterpriseIds: readonly string[], hours: number, limit: number): SiteAlert[] {
    const to = this.clock.now();
    const window = { from: new Date(to - hours * HOUR).toISOString(), to: new Date(to + 1).toISOString() };
    const events = [
      ...this.log.between({ types: ALERT_EVENT_TYPES, ...window, enterpriseIds }),
      // the service's own alarms (no enterprise) reach every wall
      ...this.log.between({ types: SYSTEM_ALERT_EVENT_TYPES, ...window }),
    ].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.seq - b.seq);
    const alerts: SiteAlert[] = [];
    for (let i = events.length - 1; i >= 0 && alerts.length < limit; i--) {
      const a = siteAlertOf(events[i]!, describeCode);
      if (a) alerts.push(a);
    }
    return alerts;
  }

  /** Publishes every committed alert to `<prefix>/alerts/<enterprise>/<severity>` (QoS 1). */
  bridgeToMqtt(bus: EventBus, mqtt: MqttBus, prefix: string, logger: Logger): () => void {
    const offs = [...ALERT_EVENT_TYPES, ...SYSTEM_ALERT_EVENT_TYPES].map((type) =>
      bus.on(type, (e) => {
        const a = siteAlertOf(
          {
            outboxId: e.id,
            type,
            enterpriseId: e.enterpriseId,
            occurredAt: e.occurredAt,
            payload: e.payload as unknown as Record<string, unknown>,
          },
          describeCode,
        );
        if (a)
          mqtt
            .publish(alertTopic(prefix, a), a)
            .catch((err: unknown) => logger.warn({ err, type }, 'mqtt alert publish failed'));
      }),
    );
    return () => offs.forEach((off) => off());
  }
}
