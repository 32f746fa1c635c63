import type { EventBus } from '../../platform/events/event-bus.ts';
import { HEALTH_STATE_ZH, isLive, type CameraHealth, type HealthState } from '../../video/ingest/types.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { AppError } from '../../platform/shared/errors.ts';
import { suspendedForMonitoring } from './domain/suspend-cause.ts';
import type { Permit } from './domain/types.ts';
import type { PermitsRepo } from './permits.repo.ts';
import type { PermitsService } from './permits.service.ts';

/** The camera health the gate reads: the ingest health service, or the last reported state. */
export interface CameraLiveness {
  current(cameraId: string): CameraHealth | undefined;
}

/** Remembers each camera's last `camera.healthChanged`; unknown cameras count as not live. */
export class LastKnownHealth implements CameraLiveness {
  private readonly states = new Map<string, CameraHealth>();
  constructor(bus: EventBus) {
    bus.on('camera.healthChanged', (e) => {
      const p = e.payload;
      this.states.set(p.cameraId, {
        cameraId: p.cameraId,
        state: p.to,
        reason: p.reason,
        message: p.message,
        since: Date.parse(p.since),
      });
    });
  }
  current(cameraId: string): CameraHealth | undefined {
    return this.states.get(cameraId);
  }
}

/** Bound cameras not live now; a camera never reported counts as down (fail closed). */
export function camerasDown(liveness: CameraLiveness, p: Pick<Permit, 'cameraIds'>): string[] {
  return p.cameraIds.filter((id) => {
    const h = liveness.current(id);
    return !h || !isLive(h.state);
  });
}

/**
 * 无监控不作业, fail closed. Event-driven (no polling): when a bound camera stops being live, every
 * active permit on it is suspended at once, the gap is opened and everyone is notified through the
 * `permit.suspended` event; when monitoring comes back the gap is closed and a permit suspended only
 * for monitoring resumes — unless the break needs a fresh gas test, which is then announced.
 */
export class MonitoringGate {
  private off: (() => void) | null = null;
  constructor(
    private readonly bus: EventBus,
    private readonly permits: PermitsService,
    private readonly repo: PermitsRepo,
    private readonly liveness: CameraLiveness,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  camerasDown(p: Pick<Permit, 'cameraIds'>): string[] {
    return camerasDown(this.liveness, p);
  }

  start(): void {
    this.off = this.bus.on('camera.healthChanged', (e) => {
      const { cameraId, to, reason } = e.payload;
      if (isLive(to)) this.monitoringBack(cameraId);
      else this.monitoringLost(cameraId, to, reason);
    });
  }

  stop(): void {
    this.off?.();
    this.off = null;
  }

  /**
   * Safety net behind the events (a missed event, a restart, a camera dropped from the config): any
   * active permit with a bound camera not live now is suspended. Run by the module's sweep after a
   * start-up grace that lets ingest report first.
   */
  sweepActive(): number {
    let n = 0;
    for (const p of this.permits.activePermits()) {
      const down = this.camerasDown(p);
      if (down.length === 0) continue;
      for (const cameraId of down) {
        const h = this.liveness.current(cameraId);
        this.monitoringLost(cameraId, h?.state ?? 'offline', h?.reason ?? 'no_health_report');
      }
      n++;
    }
    return n;
  }

  private monitoringLost(cameraId: string, state: HealthState, reason: string): void {
    const now = this.clock.now();
    for (const p of this.permits.boundTo('camera', cameraId, ['active', 'suspended'])) {
      this.bus.transaction(() => {
        this.repo.openGap(p.id, cameraId, state, reason, now);
        // read again: suspending a 受限空间 permit earlier in this loop suspends the work inside it (交叉作业)
        if (this.repo.get(p.id)?.state === 'active')
          this.permits.suspend(p.id, null, {
            kind: 'monitoring_lost',
            cameraId,
            state,
            stateZh: HEALTH_STATE_ZH[state],
          });
      });
    }
  }

  private monitoringBack(cameraId: string): void {
    const now = this.clock.now();
    for (const p of this.permits.boundTo('camera', cameraId, ['active', 'suspended'])) {
      this.repo.closeGaps(p.id, cameraId, now);
      if (!suspendedForMonitoring(p)) continue;
      if (this.camerasDown(p).length > 0) continue;
      try {
        this.permits.resume(p.id, null, cameraId);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        this.logger.info({ permitId: p.id, code: e.code }, 'monitoring back, permit stays suspended');
        this.bus.publish('permit.resumeBlocked', p.enterpriseId, {
          permitId: p.id,
          cameraId,
          code: e.code,
          messageZh: e.zh,
          message: e.message,
        });
      }
    }
  }
}
