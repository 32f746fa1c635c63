import type { EventBus } from '../../platform/events/event-bus.ts';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import { defineError } from '../../platform/shared/errors.ts';
import { PermitErrors } from './domain/errors.ts';
import { evaluateGasAll, type GasReading } from './domain/rules.ts';
import { gasKindsOf } from './domain/simops.ts';
import { confirmMeasure, isTerminal } from './domain/state-machine.ts';
import type { GasTest } from './domain/types.ts';
import type { PermitsRepo } from './permits.repo.ts';
import type { Caller, PermitsService } from './permits.service.ts';

export const FieldErrors = {
  futureSample: defineError(
    'JH_ERR_PERMIT_GAS_FUTURE_SAMPLE',
    400,
    '取样时间不能晚于当前时间。',
    'The sample time cannot be in the future.',
  ),
};

/** What happens on site: 气体分析 records and the guardian's check-in / check-out. */
export class FieldService {
  constructor(
    private readonly permits: PermitsService,
    private readonly repo: PermitsRepo,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  recordGas(id: string, c: Caller, r: GasReading & { takenAt?: number; analyst: string }): GasTest {
    const p = this.permits.get(id, c);
    if (isTerminal(p.state))
      throw PermitErrors.badTransition({ permitId: id, state: p.state, action: 'gasTest' });
    const now = this.clock.now();
    const takenAt = r.takenAt ?? now;
    if (takenAt > now + 60_000) throw FieldErrors.futureSample({ takenAt: iso(takenAt) });
    // 交叉作业: a sample for work inside a linked host (受限空间) must meet the host's rule too
    const verdict = evaluateGasAll(gasKindsOf(p, this.permits.linkedOf(p)), p.lelPct, r);
    return this.bus.transaction(() => {
      const t = this.repo.addGasTest(
        {
          permitId: id,
          takenAt,
          analyst: r.analyst,
          o2Pct: r.o2Pct,
          combustiblePct: r.combustiblePct,
          h2sPpm: r.h2sPpm,
          coPpm: r.coPpm,
          ...verdict,
        },
        c.principal.userId,
        now,
      );
      this.bus.publish('permit.gasTested', p.enterpriseId, {
        permitId: id,
        gasTestId: t.id,
        passed: t.passed,
        failures: t.failures,
        analyst: t.analyst,
        takenAt: iso(takenAt),
      });
      return t;
    });
  }

  confirmMeasure(id: string, c: Caller, index: number) {
    const p = this.permits.get(id, c);
    const next = confirmMeasure(
      p,
      index,
      { userId: c.principal.userId, username: c.principal.username },
      this.clock.now(),
    );
    this.bus.transaction(() => {
      this.repo.update(next, this.clock.now());
      this.repo.history(
        id,
        'measureConfirmed',
        p.state,
        p.state,
        c.principal.userId,
        `measure ${index}`,
        this.clock.now(),
      );
    });
    return next;
  }

  /** Only the assigned guardian checks in; it is the fallback presence until the guardian post camera rule is wired. */
  checkIn(id: string, c: Caller): void {
    const p = this.permits.get(id, c);
    if (p.guardianUserId !== c.principal.userId) throw PermitErrors.notGuardian({ permitId: id });
    this.repo.checkIn(id, c.principal.userId, this.clock.now());
  }

  /** 监护人离开 = work stops: an active permit is suspended. */
  checkOut(id: string, c: Caller): void {
    const p = this.permits.get(id, c);
    if (p.guardianUserId !== c.principal.userId) throw PermitErrors.notGuardian({ permitId: id });
    this.repo.checkOut(id, c.principal.userId, this.clock.now());
    if (p.state === 'active') this.permits.suspend(id, c, { kind: 'guardian_left' });
  }

  guardianCheckedIn(permitId: string, userId: number): boolean {
    return this.repo.guardianCheckedIn(permitId, userId);
  }
}
