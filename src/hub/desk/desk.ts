import { auditCoverage, changesToIntervals, type CoverageResult } from '../../oversight/audit/coverage.ts';
import { OVERVIEW_MEASURES, rankRows, type OverviewMeasure } from '../../oversight/regulator/overview.ts';
import type { HealthState } from '../../video/ingest/types.ts';
import { defineError } from '../../platform/shared/errors.ts';
import type { HubConfig } from '../config.ts';
import type { HealthChange, PermitRow, ReadRepo } from '../store/read.repo.ts';

export const HubDeskErrors = {
  badRange: defineError(
    'JH_ERR_HUB_BAD_RANGE',
    400,
    '时间范围无效：须 from < to，且不超过 366 天。',
    'Invalid time range: from must be before to, at most 366 days apart.',
  ),
  notFound: defineError(
    'JH_ERR_HUB_NOT_FOUND',
    404,
    '未找到，或不在您的辖区内。',
    'Not found, or not in your region.',
  ),
};

/** the same judgement as a box's permit audit (audit.coverage defaults) */
const COVERAGE = { require: 'any' as const, maxGapMs: 300_000, minCoveragePct: 90 };
const RUNNING = ['active', 'suspended'];

export interface Region {
  regionId: string;
  enterpriseIds: string[];
  boxIds: string[];
}

/**
 * The regulator's county view, read from the hub's read model: every enterprise of the region,
 * whichever box it lives on, ranked with the same measures and order as a box's regulator desk
 * (oversight/regulator/overview.ts), running permits with their monitoring state now, coverage.
 */
export class HubDesk {
  private readonly names: Map<string, string>;
  private readonly boxOf = new Map<string, string>();

  constructor(
    private readonly read: ReadRepo,
    private readonly config: HubConfig,
  ) {
    this.names = new Map(config.enterprises.map((e) => [e.id, e.name]));
    for (const b of config.boxes) for (const e of b.enterpriseIds) this.boxOf.set(e, b.id);
  }

  region(regionId: string): Region {
    const enterpriseIds = this.config.enterprises
      .filter((e) => e.regionId === regionId)
      .map((e) => e.id)
      .sort();
    const boxIds = [...new Set(enterpriseIds.map((e) => this.boxOf.get(e)).filter((b): b is string => !!b))];
    return { regionId, enterpriseIds, boxIds };
  }

  async overview(r: Region, q: { from: string; to: string; sort: OverviewMeasure }) {
    const from = new Date(q.from);
    const to = new Date(q.to);
    if (!(from < to) || to.getTime() - from.getTime() > 366 * 86_400_000) throw HubDeskErrors.badRange(q);
    const now = Date.now();
    const [windows, changes, running, cams, violations, hazards, heads] = await Promise.all([
      this.read.workWindows(r.enterpriseIds, from, to),
      this.read.healthChanges(r.boxIds, to),
      this.read.permits(r.enterpriseIds, RUNNING),
      this.read.cameraStates(r.boxIds),
      this.read.violationCounts(r.enterpriseIds, from, to),
      this.read.hazards(r.enterpriseIds, true),
      this.read.heads(r.boxIds),
    ]);
    const permits = await this.read.permits(r.enterpriseIds, null);
    const permitOf = new Map(permits.map((p) => [`${p.boxId}/${p.permitId}`, p]));
    const acc = new Map(
      r.enterpriseIds.map((e) => [
        e,
        { permits: new Set<string>(), videoPermits: 0, workMs: 0, unwatchedMs: 0 },
      ]),
    );
    const byPermit = groupBy(windows, (w) => `${w.boxId}/${w.permitId}`);
    for (const [key, ws] of byPermit) {
      const p = permitOf.get(key);
      const a = p?.enterpriseId ? acc.get(p.enterpriseId) : undefined;
      if (!p || !a) continue;
      const cov = coverageOf(p, ws, changes, from.getTime(), Math.min(to.getTime(), now));
      a.permits.add(key);
      a.workMs += cov.workMs;
      if (p.cameraIds.length > 0) {
        a.videoPermits++;
        a.unwatchedMs += cov.workMs - cov.monitoredMs;
      }
    }
    const rows = r.enterpriseIds.map((id) => {
      const a = acc.get(id)!;
      const hs = hazards.filter((h) => h.enterpriseId === id);
      const v = violations.get(id) ?? 0;
      const permitHours = a.workMs / 3_600_000;
      const live = running.filter((p) => p.enterpriseId === id).map((p) => withMonitoring(p, cams));
      const boxId = this.boxOf.get(id) ?? null;
      const head = boxId ? heads.get(boxId) : undefined;
      return {
        enterpriseId: id,
        name: this.names.get(id) ?? id,
        boxId,
        lastEventAt: head?.updatedAt ?? null,
        permits: a.permits.size,
        videoPermits: a.videoPermits,
        workMinutes: Math.round(a.workMs / 60_000),
        unwatchedMinutes: Math.round(a.unwatchedMs / 60_000),
        openMajorHazards: hs.filter((h) => h.level === 'major').length,
        overdueRectifications: hs.filter(
          (h) => h.state === 'dispatched' && h.deadline !== null && Date.parse(h.deadline) < now,
        ).length,
        violations: v,
        permitHours: round2(permitHours),
        violationsPerPermitHour: permitHours > 0 ? round2(v / permitHours) : 0,
        runningPermits: live.length,
        runningUnmonitored: live.filter((p) => p.monitoring !== 'monitored' && p.state === 'active').length,
      };
    });
    return {
      regionId: r.regionId,
      from: from.toISOString(),
      to: to.toISOString(),
      sort: q.sort,
      items: rankRows(rows, q.sort).map((x, i) => ({ rank: i + 1, ...x })),
    };
  }

  async running(r: Region) {
    const [permits, cams] = await Promise.all([
      this.read.permits(r.enterpriseIds, RUNNING),
      this.read.cameraStates(r.boxIds),
    ]);
    return permits.map((p) => ({
      ...withMonitoring(p, cams),
      enterpriseName: this.names.get(p.enterpriseId ?? '') ?? null,
    }));
  }

  async coverage(r: Region, boxId: string, permitId: string) {
    const p = await this.read.permit(boxId, permitId);
    if (!p || !p.enterpriseId || !r.enterpriseIds.includes(p.enterpriseId))
      throw HubDeskErrors.notFound({ boxId, permitId });
    const now = new Date();
    const windows = await this.read.workWindows([p.enterpriseId], new Date(0), now, { boxId, permitId });
    const changes = await this.read.healthChanges([boxId], now);
    const cov = coverageOf(p, windows, changes, 0, now.getTime());
    return {
      permit: p,
      windows: windows.map((w) => ({
        start: new Date(w.start).toISOString(),
        end: w.end === null ? null : new Date(w.end).toISOString(),
      })),
      coverage: cov,
    };
  }
}

export const isOverviewMeasure = (s: string): s is OverviewMeasure =>
  (OVERVIEW_MEASURES as readonly string[]).includes(s);

function coverageOf(
  p: PermitRow,
  windows: { start: number; end: number | null }[],
  changes: HealthChange[],
  from: number,
  to: number,
): CoverageResult {
  const work = windows.map((w) => ({ start: Math.max(w.start, from), end: Math.min(w.end ?? to, to) }));
  const cameras = p.cameraIds.map((cameraId) => ({
    cameraId,
    intervals: changesToIntervals(
      changes
        .filter((c) => c.boxId === p.boxId && c.cameraId === cameraId)
        .map((c) => ({ at: c.at, state: c.state as HealthState, reason: c.reason, message: c.message })),
      from,
      to,
    ),
  }));
  return auditCoverage(work, cameras, COVERAGE);
}

/** monitored now: the permit is working and at least one bound camera is online (the gate's rule) */
function withMonitoring(p: PermitRow, cams: Map<string, { state: string; since: string }>) {
  const cameras = p.cameraIds.map((id) => ({
    cameraId: id,
    ...(cams.get(`${p.boxId}/${id}`) ?? { state: 'unknown', since: null }),
  }));
  const monitoring =
    p.state === 'suspended'
      ? 'suspended'
      : cameras.some((c) => c.state === 'online')
        ? 'monitored'
        : 'unmonitored';
  return { ...p, cameras, monitoring };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}
