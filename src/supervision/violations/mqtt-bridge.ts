import type { EventBus } from '../../platform/events/event-bus.ts';
import type { MqttBus } from '../../platform/mqtt/mqtt-bus.ts';
import type { Logger } from '../../platform/shared/logger.ts';

/** MQTT topic for integrations (sirens, PLCs, a plant's own dashboards): one per camera. */
export const violationTopic = (siteId: string, cameraId: string): string =>
  `jianhu/${siteId}/${cameraId}/violation`;

/**
 * Forwards committed violation events to `jianhu/<site>/<camera>/violation` as JSON
 * `{ event: 'started'|'updated'|'ended'|'reviewed', id, occurredAt, ...payload }` (QoS 1).
 */
export function bridgeViolationsToMqtt(bus: EventBus, mqtt: MqttBus, logger: Logger): () => void {
  const kinds = ['violation.started', 'violation.updated', 'violation.ended', 'violation.reviewed'] as const;
  const offs = kinds.map((type) =>
    bus.on(type, (e) => {
      const body = {
        event: type.slice('violation.'.length),
        id: e.id,
        occurredAt: e.occurredAt,
        ...e.payload,
      };
      mqtt
        .publish(violationTopic(e.payload.siteId, e.payload.cameraId), body)
        .catch((err: unknown) => logger.warn({ err, type }, 'mqtt violation publish failed'));
    }),
  );
  return () => offs.forEach((off) => off());
}
