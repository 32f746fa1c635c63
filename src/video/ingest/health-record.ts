import type { EventBus } from '../../platform/events/event-bus.ts';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { CamInfo } from './camera-info.ts';
import type { Health } from './health-machine.ts';
import type { HealthRepo } from './health.repo.ts';
import type { IngestMetrics } from './metrics.ts';

/**
 * A camera's health changed: the row in camera_health_log and the chained `camera.healthChanged`
 * event in one bus transaction (the audit reads both), then the metric and one log line.
 */
export function recordHealth(
  d: { bus: EventBus; clock: Clock; logger: Logger; repo: HealthRepo; metrics: IngestMetrics | null },
  info: CamInfo,
  prev: Health | null,
  next: Health,
): void {
  const now = d.clock.now();
  d.bus.transaction(() => {
    d.repo.transition(
      {
        cameraId: info.id,
        siteId: info.siteId,
        enterpriseId: info.enterpriseId,
        state: next.state,
        reason: next.reason,
        message: next.message,
        sinceMs: next.since,
      },
      now,
    );
    d.bus.publish('camera.healthChanged', info.enterpriseId, {
      cameraId: info.id,
      siteId: info.siteId,
      from: prev?.state ?? null,
      to: next.state,
      reason: next.reason,
      message: next.message,
      since: iso(next.since),
    });
  });
  d.metrics?.setState(info.id, next.state);
  const level = next.state === 'online' || next.state === 'recovering' ? 'info' : 'warn';
  d.logger[level](
    { camera: info.id, from: prev?.state ?? null, to: next.state, reason: next.reason },
    next.message,
  );
}
