import type { Clock } from '../../platform/shared/clock.ts';
import { iso } from '../../platform/shared/clock.ts';
import { defineError } from '../../platform/shared/errors.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';
import type { TenancyRepo } from '../../platform/tenancy/tenancy.repo.ts';
import type { PermitAuditRow, PermitAuditService } from '../audit/permit-audit.ts';
import type { HazardsRepo } from '../hazards/hazards.repo.ts';

export const OVERVIEW_MEASURES = [
  'unwatchedMinutes',
  'openMajorHazards',
  'overdueRectifications',
  'violationsPerPermitHour',
] as const;
export type OverviewMeasure = (typeof OVERVIEW_MEASURES)[number];

export const OverviewErrors = {
  badRange: defineError(
    'JH_ERR_OVERVIEW_BAD_RANGE',
    400,
    '时间范围无效：须 from < to，且不超过 5 年。',
    'Invalid time range: from must be before to, at most 5 years apart.',
  ),
};

/** a bound on "any length": five years of a region's permits is still one answer */
const MAX_SPAN_MS = 5 * 366 * 86_400_000;

export interface OverviewRow {
  rank: number;
  enterpriseId: string;
  name: string;
  permits: number;
  /** permits with a camera bound: a permit whose kind requires video cannot start without one */
  videoPermits: number;
  workMinutes: number;
  /** work minutes of video permits without live video (the permit audit's gaps) */
  unwatchedMinutes: number;
  /** major hazards not yet closed, now */
  openMajorHazards: number;
  /** dispatched hazards past their rectification deadline, now */
  overdueRectifications: number;
  violations: number;
  permitHours: number;
  violationsPerPermitHour: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The measures of one enterprise's permits (audit rows) and hazards (now). */
export function enterpriseMeasures(
  rows: readonly PermitAuditRow[],
  hazards: readonly { level: string | null; state: string; deadline: string | null }[],
  nowMs: number,
): Omit<OverviewRow, 'rank' | 'enterpriseId' | 'name'> {
  let workMs = 0;
  let unwatchedMs = 0;
  let violations = 0;
  let videoPermits = 0;
  for (const r of rows) {
    workMs += r.coverage.workMs;
    violations += r.violations.length;
    if (r.cameraIds.length === 0) continue;
    videoPermits++;
    unwatchedMs += Math.max(0, r.coverage.workMs - r.coverage.monitoredMs);
  }
  const permitHours = workMs / 3_600_000;
  return {
    permits: rows.length,
    videoPermits,
    workMinutes: Math.round(workMs / 60_000),
    unwatchedMinutes: Math.round(unwatchedMs / 60_000),
    openMajorHazards: hazards.filter((h) => h.level === 'major' && h.state !== 'closed').length,
    overdueRectifications: hazards.filter(
      (h) => h.state === 'dispatched' && h.deadline !== null && Date.parse(h.deadline) < nowMs,
    ).length,
    violations,
    permitHours: round2(permitHours),
    violationsPerPermitHour: permitHours > 0 ? round2(violations / permitHours) : 0,
  };
}

/** Highest first by `sort`, then by the other measures in their listed order, then by id (stable pages). */
export function rankRows<T extends Omit<OverviewRow, 'rank'>>(rows: T[], sort: OverviewMeasure): T[] {
  const order = [sort, ...OVERVIEW_MEASURES.filter((m) => m !== sort)];
  return [...rows].sort((a, b) => {
    for (const m of order) if (b[m] !== a[m]) return b[m] - a[m];
    return a.enterpriseId.localeCompare(b.enterpriseId);
  });
}

/**
 * The regulator's desk: every enterprise of the caller's scope (a regulator's region) side by side over
 * [from, to), ranked by a measure, one page at a time. Work is the permit audit's (a permit whose work
 * overlaps the range counts whole); hazards are counted as they stand now.
 */
export class RegulatorOverview {
  constructor(
    private readonly audit: PermitAuditService,
    private readonly hazards: HazardsRepo,
    private readonly tenancy: TenancyRepo,
    private readonly clock: Clock,
  ) {}

  overview(
    scope: EnterpriseScope,
    q: { from: string; to: string; sort: OverviewMeasure; limit: number; offset: number },
  ): { from: string; to: string; sort: OverviewMeasure; total: number; items: OverviewRow[] } {
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    if (!(from < to) || to - from > MAX_SPAN_MS) throw OverviewErrors.badRange({ from: q.from, to: q.to });
    const ids = [...scope.enterpriseIds].sort();
    const names = new Map(this.tenancy.enterprises().map((e) => [e.id, e.name]));
    const report = this.audit.audit(ids, from, to);
    const now = this.clock.now();
    const open = this.hazards.list({ enterpriseIds: ids, limit: 1_000_000 });
    const rows = ids.map((id) => ({
      enterpriseId: id,
      name: names.get(id) ?? id,
      ...enterpriseMeasures(
        report.permits.filter((r) => r.enterpriseId === id),
        open.filter((h) => h.enterpriseId === id),
        now,
      ),
    }));
    const ranked = rankRows(rows, q.sort).map((r, i) => ({ rank: i + 1, ...r }));
    return {
      from: iso(from),
      to: iso(to),
      sort: q.sort,
      total: ranked.length,
      items: ranked.slice(q.offset, q.offset + q.limit),
    };
  }
}
