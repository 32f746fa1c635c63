/**
 * Inertia + dwell + clear + cooldown for one subject of one rule (pure). A condition becomes a
 * violation only when it holds in `minHits` of the last `window` observations AND has been building
 * for `dwellMs`; it ends once not seen for `clearMs`; after it ends the same subject cannot start a
 * new one for `cooldownMs`.
 */
export interface DebounceParams {
  minHits: number;
  window: number;
  dwellMs: number;
  clearMs: number;
  cooldownMs: number;
}

export type DebounceResult = 'start' | 'end' | null;

export class Debounce {
  private readonly history: boolean[] = [];
  private candidateSince: number | null = null;
  active = false;
  /** first observation of the streak that became (or may become) the violation */
  since: number | null = null;
  lastTrueTs: number | null = null;
  lastSeenTs = -Infinity;
  private endedAt: number | null = null;

  constructor(private readonly p: DebounceParams) {}

  observe(ts: number, value: boolean): DebounceResult {
    this.lastSeenTs = ts;
    this.history.push(value);
    if (this.history.length > this.p.window) this.history.shift();
    const hits = this.history.filter(Boolean).length;
    if (value) this.lastTrueTs = ts;
    if (this.active) return this.check(ts);
    if (value && this.candidateSince === null) this.candidateSince = ts;
    if (!value && hits < this.p.minHits) this.candidateSince = null;
    const cooled = this.endedAt === null || ts - this.endedAt >= this.p.cooldownMs;
    if (
      value &&
      cooled &&
      hits >= this.p.minHits &&
      this.candidateSince !== null &&
      ts - this.candidateSince >= this.p.dwellMs
    ) {
      this.active = true;
      this.since = this.candidateSince;
      return 'start';
    }
    return null;
  }

  /** Ends an active violation when the condition has been absent for clearMs (also with no observation). */
  check(ts: number): DebounceResult {
    if (!this.active || this.lastTrueTs === null) return null;
    if (ts - this.lastTrueTs < this.p.clearMs) return null;
    return this.end(ts);
  }

  /** Ends now (subject gone, camera stopped). */
  end(ts: number): DebounceResult {
    if (!this.active) return null;
    this.active = false;
    this.endedAt = ts;
    this.history.length = 0;
    this.candidateSince = null;
    return 'end';
  }

  /** An idle subject whose state can be forgotten (not active, out of cooldown, nothing building). */
  idle(ts: number): boolean {
    return (
      !this.active &&
      this.candidateSince === null &&
      (this.endedAt === null || ts - this.endedAt >= this.p.cooldownMs)
    );
  }
}
