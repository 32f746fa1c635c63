import type { Clock } from '../../platform/shared/clock.ts';
import { iso } from '../../platform/shared/clock.ts';
import {
  auditCoverage,
  VERDICT_ZH,
  type CoverageOptions,
  type CoverageResult,
  type Gap,
  type HealthInterval,
  type Verdict,
} from './coverage.ts';
import type { EventLogRepo, LoggedEvent } from './event-log.repo.ts';
import type { AuditPermit, HealthHistorySource, PermitSource } from './permit-sources.ts';

export {
  EventLogHealthSource,
  EventLogPermitSource,
  IngestHealthSource,
  PERMIT_WORK_EVENTS,
  workWindows,
  type AuditPermit,
  type HealthHistorySource,
  type HealthRecordLike,
  type PermitSource,
  type WorkWindow,
} from './permit-sources.ts';

const RELATED = [
  'violation.started',
  'machine.scanned',
  'machine.powerChanged',
  'machine.violationDetected',
  'lock.unlockGranted',
  'lock.changed',
  'lock.entryRecorded',
  'lock.violationDetected',
  'permit.gasTested',
  'permit.resumeBlocked',
];

const PREPARATION_MS = 3_600_000;

export interface PermitAuditRow {
  permitId: string;
  number: string;
  kind: string;
  enterpriseId: string;
  cameraIds: string[];
  windows: { start: string; end: string; ongoing: boolean }[];
  coverage: Omit<CoverageResult, 'gaps'> & { verdictZh: string };
  gaps: (Omit<Gap, 'start' | 'end'> & { start: string; end: string })[];
  violations: {
    seq: number;
    at: string;
    type: string;
    cameraId: string | null;
    detail: Record<string, unknown>;
  }[];
  events: { seq: number; at: string; type: string; detail: Record<string, unknown> }[];
}

export interface PermitAuditReport {
  from: string;
  to: string;
  require: CoverageOptions['require'];
  permits: PermitAuditRow[];
  summary: Record<Verdict, number> & {
    permits: number;
    workMs: number;
    monitoredMs: number;
    coveragePct: number;
  };
}

type Summary = PermitAuditReport['summary'];
type Coverage = PermitAuditRow['coverage'];

/** One permit with its coverage worked out, before its violations and events are read. */
interface Covered {
  p: AuditPermit;
  coverage: Coverage;
  gaps: PermitAuditRow['gaps'];
}

export interface PermitAuditPage extends PermitAuditReport {
  page: number;
  pageSize: number;
  /** permits over all pages (of the verdict asked for, when one was) */
  total: number;
}

/**
 * 作业票视频审计. Coverage (health timelines of the bound cameras) is worked out for every permit of
 * the range, since the summary counts them all; a permit's violations and events are read only for the
 * rows shown (a page) or written (an export, one row at a time).
 */
export class PermitAuditService {
  constructor(
    private readonly log: EventLogRepo,
    private readonly permitSource: PermitSource,
    private readonly healthSource: HealthHistorySource,
    private readonly clock: Clock,
    private readonly opts: CoverageOptions,
  ) {}

  /** Every permit of the range, in full (the regulator's overview, the forms, the CLI). */
  audit(enterpriseIds: readonly string[], fromMs: number, toMs: number): PermitAuditReport {
    const covered = this.covered(enterpriseIds, fromMs, toMs);
    return this.report(
      fromMs,
      toMs,
      covered.map((c) => this.detail(c)),
      summarise(covered),
    );
  }

  /** One page of the permits, of one verdict when asked; the summary is over the whole range. */
  page(
    enterpriseIds: readonly string[],
    fromMs: number,
    toMs: number,
    q: { page: number; pageSize: number; verdict?: Verdict | undefined },
  ): PermitAuditPage {
    const covered = this.covered(enterpriseIds, fromMs, toMs);
    const chosen = q.verdict ? covered.filter((c) => c.coverage.verdict === q.verdict) : covered;
    const shown = chosen.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
    return {
      ...this.report(
        fromMs,
        toMs,
        shown.map((c) => this.detail(c)),
        summarise(covered),
      ),
      page: q.page,
      pageSize: q.pageSize,
      total: chosen.length,
    };
  }

  /**
   * The whole range for an export: the summary first (from coverage alone), then each row built when
   * the writer asks for it, so a campaign's file never holds every permit's events at once.
   */
  stream(
    enterpriseIds: readonly string[],
    fromMs: number,
    toMs: number,
  ): { from: string; to: string; summary: Summary; total: number; rows: () => Generator<PermitAuditRow> } {
    const covered = this.covered(enterpriseIds, fromMs, toMs);
    const detail = (c: Covered) => this.detail(c);
    return {
      from: iso(fromMs),
      to: iso(toMs),
      summary: summarise(covered),
      total: covered.length,
      *rows() {
        for (const c of covered) yield detail(c);
      },
    };
  }

  private report(fromMs: number, toMs: number, permits: PermitAuditRow[], summary: Summary) {
    return { from: iso(fromMs), to: iso(toMs), require: this.opts.require, permits, summary };
  }

  private covered(enterpriseIds: readonly string[], fromMs: number, toMs: number): Covered[] {
    const now = this.clock.now();
    const permits = this.permitSource.permits(enterpriseIds, fromMs, toMs, now);
    const health = this.healthOver(permits);
    return permits.map((p) => this.coverageOf(p, health));
  }

  /**
   * Each bound camera's health read once, over the span of all its permits, then cut per permit: a
   * campaign's thousand permits on a few cameras cost a few reads, not two per permit.
   */
  private healthOver(permits: readonly AuditPermit[]): Map<string, HealthInterval[]> {
    const spans = new Map<string, { start: number; end: number }>();
    for (const p of permits) {
      const s = span(p);
      for (const c of p.cameraIds) {
        const x = spans.get(c);
        spans.set(c, x ? { start: Math.min(x.start, s.start), end: Math.max(x.end, s.end) } : s);
      }
    }
    const out = new Map<string, HealthInterval[]>();
    for (const [c, s] of spans) out.set(c, this.healthSource.history(c, s.start, s.end));
    return out;
  }

  private coverageOf(p: AuditPermit, health: Map<string, HealthInterval[]>): Covered {
    const { start, end } = span(p);
    const timelines = p.cameraIds.map((cameraId) => ({
      cameraId,
      intervals: clip(health.get(cameraId) ?? [], start, end),
    }));
    const { gaps, ...coverage } = auditCoverage(p.windows, timelines, this.opts);
    return {
      p,
      coverage: { ...coverage, verdictZh: VERDICT_ZH[coverage.verdict] },
      gaps: gaps.map((g) => ({ ...g, start: iso(g.start), end: iso(g.end) })),
    };
  }

  private detail({ p, coverage, gaps }: Covered): PermitAuditRow {
    const { start, end } = span(p);
    const inWork = (t: number) => p.windows.some((w) => t >= w.start && t <= w.end);
    // Violations count inside the work windows; the permit's own events (gas tests, scans, locks) from
    // PREPARATION_MS before work began, so the pre-work gas test and the scan that started it show.
    const related = this.log
      .between({
        types: RELATED,
        from: iso(start - PREPARATION_MS),
        to: iso(end + 1),
        enterpriseIds: [p.enterpriseId],
      })
      .filter((e) => inWork(Date.parse(e.occurredAt)) || e.payload.permitId === p.permitId);
    const isViolation = (e: LoggedEvent) =>
      e.type === 'violation.started' || e.type.endsWith('.violationDetected');
    const mine = (e: LoggedEvent) =>
      e.payload.permitId === p.permitId ||
      (e.type === 'violation.started' && p.cameraIds.includes(String(e.payload.cameraId)));
    return {
      permitId: p.permitId,
      number: p.number,
      kind: p.kind,
      enterpriseId: p.enterpriseId,
      cameraIds: p.cameraIds,
      windows: p.windows.map((w) => ({ start: iso(w.start), end: iso(w.end), ongoing: w.ongoing })),
      coverage,
      gaps,
      violations: related
        .filter((e) => mine(e) && isViolation(e))
        .map((e) => ({
          seq: e.seq,
          at: e.occurredAt,
          type: e.type,
          cameraId: (e.payload.cameraId as string | undefined) ?? null,
          detail: e.payload,
        })),
      events: related
        .filter((e) => mine(e) && !isViolation(e))
        .map((e) => ({ seq: e.seq, at: e.occurredAt, type: e.type, detail: e.payload })),
    };
  }
}

/** The intervals inside [start, end), cut at its edges. */
const clip = (xs: readonly HealthInterval[], start: number, end: number): HealthInterval[] =>
  xs
    .filter((x) => x.end > start && x.start < end)
    .map((x) => ({ ...x, start: Math.max(x.start, start), end: Math.min(x.end, end) }));

const span = (p: AuditPermit) => ({
  start: Math.min(...p.windows.map((w) => w.start)),
  end: Math.max(...p.windows.map((w) => w.end)),
});

function summarise(rows: readonly { coverage: Coverage }[]): Summary {
  const summary = {
    permits: rows.length,
    fully_monitored: 0,
    gaps: 0,
    work_without_monitoring: 0,
    no_work: 0,
  };
  let workMs = 0;
  let monitoredMs = 0;
  for (const r of rows) {
    summary[r.coverage.verdict]++;
    workMs += r.coverage.workMs;
    monitoredMs += r.coverage.monitoredMs;
  }
  const coveragePct = workMs === 0 ? 100 : Math.round((monitoredMs / workMs) * 10_000) / 100;
  return { ...summary, workMs, monitoredMs, coveragePct };
}
