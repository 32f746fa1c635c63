import type { HealthState } from '../../video/ingest/types.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { iso } from '../../platform/shared/clock.ts';
import { changesToIntervals, type HealthInterval } from './coverage.ts';
import type { EventLogRepo } from './event-log.repo.ts';

// Where the permit audit's two inputs come from: each permit's work windows, and each camera's health.

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
    // Iterated, not loaded: a region over months is tens of thousands of transitions, and of each only
    // its time and type are kept (plus the permit's number, kind and cameras), never the payloads.
    const byPermit = new Map<string, Building>();
    for (const e of this.log.each({
      types: PERMIT_WORK_EVENTS,
      from: iso(fromMs - EventLogPermitSource.LOOKBACK_MS),
      to: iso(Math.min(toMs, nowMs) + 1),
      enterpriseIds,
    })) {
      const id = String(e.payload.permitId ?? '');
      if (!id) continue;
      let b = byPermit.get(id);
      if (!b)
        byPermit.set(id, (b = { steps: [], cameraIds: new Set(), number: id, kind: '', enterpriseId: '' }));
      b.steps.push({ type: e.type, at: Date.parse(e.occurredAt) });
      for (const c of (e.payload.cameraIds as string[] | undefined) ?? []) b.cameraIds.add(c);
      // the last event names the permit as it ended up
      b.number = String(e.payload.number ?? id);
      b.kind = String(e.payload.kind ?? '');
      b.enterpriseId = e.enterpriseId ?? '';
    }
    const out: AuditPermit[] = [];
    for (const [permitId, b] of byPermit) {
      const windows = workWindows(b.steps, Math.min(nowMs, toMs)).filter(
        (w) => w.end > fromMs && w.start < toMs,
      );
      if (windows.length === 0) continue;
      out.push({
        permitId,
        number: b.number,
        kind: b.kind,
        enterpriseId: b.enterpriseId,
        cameraIds: [...b.cameraIds],
        windows,
      });
    }
    return out.sort((a, b) => a.windows[0]!.start - b.windows[0]!.start);
  }
}

interface Building {
  steps: { type: string; at: number }[];
  cameraIds: Set<string>;
  number: string;
  kind: string;
  enterpriseId: string;
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
    // iterated without a cap: the audit reads a camera once over a whole campaign
    const inside = this.log.each({
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
