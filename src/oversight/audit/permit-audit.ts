import type { HealthState } from '../../video/ingest/types.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { iso } from '../../platform/shared/clock.ts';
import {
  auditCoverage,
  changesToIntervals,
  VERDICT_ZH,
  type CoverageOptions,
  type CoverageResult,
  type Gap,
  type HealthInterval,
  type Verdict,
} from './coverage.ts';
import type { EventLogRepo, LoggedEvent } from './event-log.repo.ts';

/** A camera's health over [from, to) as intervals; time not covered by any interval is unknown. */
export interface HealthHistorySource {
  history(cameraId: string, fromMs: number, toMs: number): HealthInterval[];
}

/** A health record as ingest keeps it (camera_health_log): open while `untilMs` is null. */
export interface HealthRecordLike {
  state: HealthState;
  reason: string;
  message?: string;
  sinceMs: number;
  untilMs: number | null;
}

/**
 * The ingest health service's history (preferred: its rows are closed when the service stops or
 * crashes, so downtime of the service itself shows as "no health record"); cameras it does not know
 * (removed from the config) fall back to the chained events.
 */
export class IngestHealthSource implements HealthHistorySource {
  constructor(
    private readonly ingest: { history(cameraId: string, fromMs: number, toMs: number): HealthRecordLike[] },
    private readonly fallback: HealthHistorySource,
    private readonly clock: Clock,
  ) {}
  history(cameraId: string, fromMs: number, toMs: number): HealthInterval[] {
    let rows: HealthRecordLike[];
    try {
      rows = this.ingest.history(cameraId, fromMs, toMs);
    } catch {
      return this.fallback.history(cameraId, fromMs, toMs);
    }
    const now = this.clock.now();
    return rows
      .map((r) => ({
        start: Math.max(r.sinceMs, fromMs),
        end: Math.min(r.untilMs ?? now, toMs),
        state: r.state,
        reason: r.reason,
        ...(r.message ? { message: r.message } : {}),
      }))
      .filter((x) => x.end > x.start);
  }
}

export interface WorkWindow {
  start: number;
  end: number;
  /** still working at the time of the audit (end = now) */
  ongoing: boolean;
}

export interface AuditPermit {
  permitId: string;
  number: string;
  kind: string;
  enterpriseId: string;
  cameraIds: string[];
  windows: WorkWindow[];
}

export interface PermitSource {
  permits(enterpriseIds: readonly string[], fromMs: number, toMs: number, nowMs: number): AuditPermit[];
}

const OPEN = new Set(['permit.started', 'permit.resumed']);
const CLOSE = new Set(['permit.suspended', 'permit.completed', 'permit.revoked', 'permit.expired']);
export const PERMIT_WORK_EVENTS = [...OPEN, ...CLOSE];

/** Actual work windows from a permit's transitions: started/resumed open one, suspended/completed/revoked/expired close it. */
export function workWindows(events: { type: string; at: number }[], now: number): WorkWindow[] {
  const out: WorkWindow[] = [];
  let open: number | null = null;
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    if (OPEN.has(e.type) && open === null) open = e.at;
    else if (CLOSE.has(e.type) && open !== null) {
      out.push({ start: open, end: e.at, ongoing: false });
      open = null;
    }
  }
  if (open !== null) out.push({ start: open, end: Math.max(open, now), ongoing: true });
  return out;
}

/** Permits reconstructed from their chained transition events (the permits module publishes them). */
export class EventLogPermitSource implements PermitSource {
  /** permits last at most 72 h (二级 hot work): look this far back for a start before the window */
  static readonly LOOKBACK_MS = 8 * 86_400_000;
  constructor(private readonly log: EventLogRepo) {}

  permits(enterpriseIds: readonly string[], fromMs: number, toMs: number, nowMs: number): AuditPermit[] {
    const events = this.log.between({
      types: PERMIT_WORK_EVENTS,
      from: iso(fromMs - EventLogPermitSource.LOOKBACK_MS),
      to: iso(Math.min(toMs, nowMs) + 1),
      enterpriseIds,
    });
    const byPermit = new Map<string, LoggedEvent[]>();
    for (const e of events) {
      const id = String(e.payload.permitId ?? '');
      if (!id) continue;
      byPermit.set(id, [...(byPermit.get(id) ?? []), e]);
    }
    const out: AuditPermit[] = [];
    for (const [permitId, evs] of byPermit) {
      const last = evs.at(-1)!;
      const windows = workWindows(
        evs.map((e) => ({ type: e.type, at: Date.parse(e.occurredAt) })),
        Math.min(nowMs, toMs),
      ).filter((w) => w.end > fromMs && w.start < toMs);
      if (windows.length === 0) continue;
      out.push({
        permitId,
        number: String(last.payload.number ?? permitId),
        kind: String(last.payload.kind ?? ''),
        enterpriseId: last.enterpriseId ?? '',
        cameraIds: [...new Set(evs.flatMap((e) => (e.payload.cameraIds as string[] | undefined) ?? []))],
        windows,
      });
    }
    return out.sort((a, b) => a.windows[0]!.start - b.windows[0]!.start);
  }
}

/** Camera health from the chained `camera.healthChanged` events (what ingest published). */
export class EventLogHealthSource implements HealthHistorySource {
  static readonly DETECTION_LAG_MS = 3_600_000;
  constructor(private readonly log: EventLogRepo) {}
  history(cameraId: string, fromMs: number, toMs: number) {
    const types = ['camera.healthChanged'];
    const before = this.log.lastBefore(types, cameraId, iso(fromMs));
    // A fault is reported after it began (`since` < event time): read past the end by DETECTION_LAG_MS
    // so a fault that started inside the window but was recognised after it still counts.
    const inside = this.log.between({
      types,
      from: iso(fromMs),
      to: iso(toMs + EventLogHealthSource.DETECTION_LAG_MS),
      payloadField: { name: 'cameraId', values: [cameraId] },
    });
    // `since` is when the state really began (a stall is detected some seconds after the last frame):
    // using it, the audit sees the stretch between the fault and the gate's reaction as a gap.
    const changes = [...(before ? [before] : []), ...inside].map((e) => ({
      at: Math.min(Date.parse(e.occurredAt), Date.parse(String(e.payload.since)) || Infinity),
      state: e.payload.to as HealthState,
      reason: String(e.payload.reason ?? ''),
      ...(typeof e.payload.message === 'string' ? { message: e.payload.message } : {}),
    }));
    return changesToIntervals(changes, fromMs, toMs);
  }
}

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

export class PermitAuditService {
  constructor(
    private readonly log: EventLogRepo,
    private readonly permitSource: PermitSource,
    private readonly healthSource: HealthHistorySource,
    private readonly clock: Clock,
    private readonly opts: CoverageOptions,
  ) {}

  audit(enterpriseIds: readonly string[], fromMs: number, toMs: number): PermitAuditReport {
    const now = this.clock.now();
    const permits = this.permitSource.permits(enterpriseIds, fromMs, toMs, now);
    const rows = permits.map((p) => this.row(p));
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
    return {
      from: iso(fromMs),
      to: iso(toMs),
      require: this.opts.require,
      permits: rows,
      summary: { ...summary, workMs, monitoredMs, coveragePct },
    };
  }

  private row(p: AuditPermit): PermitAuditRow {
    const start = Math.min(...p.windows.map((w) => w.start));
    const end = Math.max(...p.windows.map((w) => w.end));
    const timelines = p.cameraIds.map((cameraId) => ({
      cameraId,
      intervals: this.healthSource.history(cameraId, start, end),
    }));
    const { gaps, ...coverage } = auditCoverage(p.windows, timelines, this.opts);
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
      coverage: { ...coverage, verdictZh: VERDICT_ZH[coverage.verdict] },
      gaps: gaps.map((g) => ({ ...g, start: iso(g.start), end: iso(g.end) })),
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
