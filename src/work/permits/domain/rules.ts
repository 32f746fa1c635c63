import type { Authority, EscalationReason, GasTest, HotLevel, Permit, PermitKind } from './types.ts';

const HOUR = 3600_000;
export const MINUTE = 60_000;

/** Longest work window by level: 特级/一级 8 h, 二级 72 h, 受限空间 24 h. */
export function maxValidityMs(kind: PermitKind, level: HotLevel | null): number {
  if (kind === 'confined_space') return 24 * HOUR;
  return level === 'level2' ? 72 * HOUR : 8 * HOUR;
}

export interface NightWindow {
  /** local hour night starts (e.g. 20) and ends (e.g. 6) */
  startHour: number;
  endHour: number;
  /** minutes east of UTC of the plant's clock (China: 480) */
  utcOffsetMinutes: number;
}

function isNightAt(t: number, night: NightWindow): boolean {
  const hour = new Date(t + night.utcOffsetMinutes * MINUTE).getUTCHours();
  return night.startHour > night.endHour
    ? hour >= night.startHour || hour < night.endHour
    : hour >= night.startHour && hour < night.endHour;
}

/** Night-ness changes only at whole local hours, so testing the start and every hour mark is exact. */
export function overlapsNight(from: number, to: number, night: NightWindow): boolean {
  if (isNightAt(from, night)) return true;
  const offset = night.utcOffsetMinutes * MINUTE;
  for (let t = Math.floor((from + offset) / HOUR + 1) * HOUR - offset; t < to; t += HOUR) {
    if (isNightAt(t, night)) return true;
  }
  return false;
}

/** Holidays, nights and special circumstances raise hot work by one level (二级→一级→特级). */
export function effectiveLevel(
  requested: HotLevel,
  reasons: EscalationReason[],
): { level: HotLevel; escalated: boolean } {
  if (reasons.length === 0 || requested === 'special') return { level: requested, escalated: false };
  return { level: requested === 'level2' ? 'level1' : 'special', escalated: true };
}

const RANK: Record<Authority, number> = { unit: 1, safety_dept: 2, leader: 3 };

/** 特级 → 主管领导; 一级 → 安全管理部门; 二级 / 受限空间 → 作业所在单位; 有毒气体风险 → 主要负责人. */
export function requiredAuthority(p: Pick<Permit, 'kind' | 'level' | 'toxicRisk'>): Authority {
  if (p.kind === 'confined_space') return p.toxicRisk ? 'leader' : 'unit';
  if (p.level === 'special') return 'leader';
  if (p.level === 'level1') return 'safety_dept';
  return 'unit';
}

export const authorityCovers = (held: Authority, needed: Authority): boolean => RANK[held] >= RANK[needed];

/** Limits for gas analysis (GB 30871-2022 §5.3 / 6.3; 13号令). */
export const GAS_LIMITS = {
  o2Min: 19.5,
  o2Max: 21,
  /** combustible % by volume when the gas's LEL ≥ 4% / < 4% */
  combustibleHighLel: 0.5,
  combustibleLowLel: 0.2,
  /** GBZ 2.1 occupational limits converted to ppm: H2S MAC 10 mg/m³ ≈ 7 ppm; CO PC-STEL 30 mg/m³ ≈ 24 ppm */
  h2sPpmMax: 7,
  coPpmMax: 24,
  /** a sample counts for starting work for this long */
  freshMs: 30 * MINUTE,
  /** confined space: monitoring logged at least every 2 hours while work goes on */
  confinedContinuousMs: 2 * HOUR,
};

export interface GasReading {
  o2Pct: number | null;
  combustiblePct: number;
  h2sPpm: number | null;
  coPpm: number | null;
}

/** Returns the failed checks (empty = pass). Confined space must measure O2. */
export function evaluateGas(
  kind: PermitKind,
  lelPct: number | null,
  r: GasReading,
): { passed: boolean; failures: string[] } {
  const failures: string[] = [];
  const limit = lelPct !== null && lelPct < 4 ? GAS_LIMITS.combustibleLowLel : GAS_LIMITS.combustibleHighLel;
  if (r.combustiblePct > limit) failures.push(`combustible ${r.combustiblePct}% > ${limit}%`);
  if (kind === 'confined_space' && r.o2Pct === null) failures.push('O2 not measured');
  if (r.o2Pct !== null && (r.o2Pct < GAS_LIMITS.o2Min || r.o2Pct > GAS_LIMITS.o2Max))
    failures.push(`O2 ${r.o2Pct}% outside ${GAS_LIMITS.o2Min}-${GAS_LIMITS.o2Max}%`);
  if (r.h2sPpm !== null && r.h2sPpm > GAS_LIMITS.h2sPpmMax)
    failures.push(`H2S ${r.h2sPpm} ppm > ${GAS_LIMITS.h2sPpmMax} ppm`);
  if (r.coPpm !== null && r.coPpm > GAS_LIMITS.coPpmMax)
    failures.push(`CO ${r.coPpm} ppm > ${GAS_LIMITS.coPpmMax} ppm`);
  return { passed: failures.length === 0, failures };
}

/** Break after which work needs a fresh gas test: 30 min (特级/一级), 60 min (二级, 受限空间). */
export function retestAfterBreakMs(p: Pick<Permit, 'kind' | 'level'>): number {
  if (p.kind === 'hot_work' && (p.level === 'special' || p.level === 'level1')) return 30 * MINUTE;
  return 60 * MINUTE;
}

export type GasVerdict = 'ok' | 'missing' | 'failed' | 'retest';

/**
 * Is there a usable gas analysis for work at `now`? The latest sample (not taken in the future) must
 * pass and be ≤ 30 min old; when `after` is given (resume after a long break), it must be newer too.
 */
export function gasVerdict(tests: readonly GasTest[], now: number, after?: number): GasVerdict {
  const usable = tests.filter((t) => t.takenAt <= now).sort((a, b) => b.takenAt - a.takenAt);
  const latest = usable[0];
  if (!latest) return after === undefined ? 'missing' : 'retest';
  if (!latest.passed) return 'failed';
  if (after !== undefined && latest.takenAt < after) return 'retest';
  return now - latest.takenAt <= GAS_LIMITS.freshMs ? 'ok' : after === undefined ? 'missing' : 'retest';
}

/** 每日作业前: work on a new (local) day needs a passing gas test taken that day, and no later failure. */
export function gasTestedToday(tests: readonly GasTest[], now: number, utcOffsetMinutes: number): boolean {
  const day = (t: number) => Math.floor((t + utcOffsetMinutes * MINUTE) / (24 * HOUR));
  const usable = tests.filter((t) => t.takenAt <= now).sort((a, b) => b.takenAt - a.takenAt);
  if (usable[0] && !usable[0].passed) return false;
  return usable.some((t) => t.passed && day(t.takenAt) === day(now));
}
