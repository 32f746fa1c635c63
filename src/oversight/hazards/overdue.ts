import type { EventBus } from '../../platform/events/event-bus.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { iso } from '../../platform/shared/clock.ts';
import { overdueLevel } from './hazard.machine.ts';
import type { HazardsRepo } from './hazards.repo.ts';
import { overdueNotice } from './responsible-notice.ts';

/**
 * Overdue hazards escalate (hazard.overdue): level 1 once a dispatched hazard passes its deadline, one
 * more for every further full day. Each escalation is recorded as a transition by the system and
 * published once per level; a periodic timer runs the check.
 */
export class OverdueEscalator {
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly repo: HazardsRepo,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  /** Escalates dispatched hazards past their deadline; returns how many escalated now. */
  check(): number {
    const now = this.clock.now();
    let n = 0;
    for (const h of this.repo.overdue(iso(now))) {
      const level = overdueLevel(
        { state: h.state, deadline: h.deadline ? Date.parse(h.deadline) : null },
        now,
      );
      if (level <= h.overdueLevel) continue;
      this.bus.transaction(() => {
        if (!this.repo.update(h.id, h.version, { overdueLevel: level, updatedAt: iso(now) })) return;
        const reason = `逾期未整改，升级至第 ${level} 级 overdue, escalation level ${level}`;
        this.repo.addTransition({
          hazardId: h.id,
          action: 'escalate',
          fromState: h.state,
          toState: h.state,
          actorUserId: null,
          actorName: '系统 system',
          actorRole: 'system',
          at: iso(now),
          reason,
          data: { escalation: level },
        });
        this.bus.publish('hazard.overdue', h.enterpriseId, {
          hazardId: h.id,
          level: h.level,
          deadline: h.deadline!,
          escalation: level,
          overdueHours: Math.round(((now - Date.parse(h.deadline!)) / 3_600_000) * 10) / 10,
          responsibleUserId: h.responsibleUserId,
        });
        if (h.responsibleUserId !== null)
          this.bus.publish('hazard.responsibleNotified', h.enterpriseId, overdueNotice(h, level, now));
        n++;
      });
    }
    return n;
  }

  start(everySeconds: number, onError: (e: unknown) => void): void {
    this.timer = setInterval(() => {
      try {
        this.check();
      } catch (e) {
        onError(e);
      }
    }, everySeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
