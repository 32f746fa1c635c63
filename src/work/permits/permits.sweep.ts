import { KINDS } from '../kinds/index.ts';
import * as sm from './domain/state-machine.ts';
import type { Permit } from './domain/types.ts';
import type { PermitAction } from './permits.ports.ts';
import type { PermitsRepo } from './permits.repo.ts';

type Persist = (p: Permit, next: Permit, action: PermitAction, reason: string) => Permit;

/**
 * The periodic sweep: expires permits whose window has passed, and suspends active work of a kind
 * with continuous gas monitoring (受限空间: logged ≥ every 2 h, 13号令) when none was logged in time.
 * Every change goes through `persist` (state, history row and event in one transaction).
 */
export function sweepPermits(
  repo: PermitsRepo,
  now: number,
  persist: Persist,
): { expired: number; gasOverdue: number } {
  const overdue = repo.overdue(now);
  for (const p of overdue) persist(p, sm.expire(p, now), 'expired', 'window ended');
  let gasOverdue = 0;
  const continuous = KINDS.list.flatMap((k) =>
    k.gas.continuousMs === null ? [] : [{ id: k.id, everyMs: k.gas.continuousMs }],
  );
  for (const kind of continuous)
    for (const p of repo.active(kind.id)) {
      const last = repo.gasTests(p.id).reduce((m, t) => Math.max(m, t.takenAt), 0);
      if (now - last <= kind.everyMs) continue;
      const hours = Math.round((kind.everyMs / 3600_000) * 10) / 10;
      persist(
        p,
        sm.suspend(p, now, { kind: 'gas_monitoring_overdue', everyHours: hours }),
        'suspended',
        'gas_monitoring_overdue',
      );
      gasOverdue++;
    }
  return { expired: overdue.length, gasOverdue };
}
