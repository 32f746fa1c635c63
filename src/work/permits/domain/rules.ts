import { KINDS, type GasRule, type KindRegistry, type WorkKind } from '../../kinds/index.ts';
import type { Authority, EscalationReason, GasTest, Permit, PermitKind, PermitLevel } from './types.ts';

const HOUR = 3600_000;
export const MINUTE = 60_000;

/*
 * The rules below read the kind's facts (src/work/kinds) instead of testing kind ids; each takes the
 * registry last, defaulting to the real one, so a test can run them over a kind of its own.
 */

/** Longest work window of the kind at this level (动火 特级/一级 8 h, 二级 72 h; 受限空间 24 h). */
export function maxValidityMs(
  kind: PermitKind,
  level: PermitLevel | null,
  kinds: KindRegistry = KINDS,
): number {
  const k = kinds.kindOf(kind);
  return kinds.levelRules(k, level).maxValidityMs;
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

/**
 * Holidays, nights and special circumstances (those the kind escalates on) raise the level by one
 * step toward the kind's most hazardous level (动火: 二级→一级→特级).
 */
export function effectiveLevel(
  kind: WorkKind,
  requested: PermitLevel,
  reasons: readonly EscalationReason[],
): { level: PermitLevel; escalated: boolean } {
  const applying = reasons.filter((r) => kind.escalatesOn.includes(r));
  const at = kind.levels.findIndex((l) => l.id === requested);
  if (applying.length === 0 || at <= 0) return { level: requested, escalated: false };
  return { level: kind.levels[at - 1]!.id, escalated: true };
}

const RANK: Record<Authority, number> = { unit: 1, safety_dept: 2, leader: 3 };

/** The level's authority (特级 → 主管领导 …), raised to the kind's toxic-risk authority when it applies. */
export function requiredAuthority(
  p: Pick<Permit, 'kind' | 'level' | 'toxicRisk'>,
  kinds: KindRegistry = KINDS,
): Authority {
  const k = kinds.kindOf(p.kind);
  const byLevel = kinds.levelRules(k, p.level).authority;
  const toxic = p.toxicRisk ? k.toxicRiskAuthority : null;
  return toxic && RANK[toxic] > RANK[byLevel] ? toxic : byLevel;
}

export const authorityCovers = (held: Authority, needed: Authority): boolean => RANK[held] >= RANK[needed];

/** How long a passing sample counts for starting work unless the kind says otherwise. */
export const DEFAULT_GAS_FRESH_MS = 30 * MINUTE;

export interface GasReading {
  o2Pct: number | null;
  combustiblePct: number;
  h2sPpm: number | null;
  coPpm: number | null;
}

/** Returns the failed checks (empty = pass) against the kind's gas rule: what must be measured, and limits. */
export function evaluateGas(
  kind: PermitKind,
  lelPct: number | null,
  r: GasReading,
  kinds: KindRegistry = KINDS,
): { passed: boolean; failures: string[] } {
  const { mustMeasure, limits: L } = kinds.kindOf(kind).gas;
  const failures: string[] = [];
  const limit = lelPct !== null && lelPct < 4 ? L.combustibleLowLelPct : L.combustibleHighLelPct;
  if (r.combustiblePct > limit) failures.push(`combustible ${r.combustiblePct}% > ${limit}%`);
  if (mustMeasure.includes('o2') && r.o2Pct === null) failures.push('O2 not measured');
  if (mustMeasure.includes('h2s') && r.h2sPpm === null) failures.push('H2S not measured');
  if (mustMeasure.includes('co') && r.coPpm === null) failures.push('CO not measured');
  if (r.o2Pct !== null && (r.o2Pct < L.o2MinPct || r.o2Pct > L.o2MaxPct))
    failures.push(`O2 ${r.o2Pct}% outside ${L.o2MinPct}-${L.o2MaxPct}%`);
  if (r.h2sPpm !== null && r.h2sPpm > L.h2sMaxPpm) failures.push(`H2S ${r.h2sPpm} ppm > ${L.h2sMaxPpm} ppm`);
  if (r.coPpm !== null && r.coPpm > L.coMaxPpm) failures.push(`CO ${r.coPpm} ppm > ${L.coMaxPpm} ppm`);
  return { passed: failures.length === 0, failures };
}

/**
 * The failed checks of a sample against several kinds' gas rules at once (交叉作业: hot work inside a
 * confined space must meet the confined-space O2 rule too); each failure listed once.
 */
export function evaluateGasAll(
  kindIds: readonly PermitKind[],
  lelPct: number | null,
  r: GasReading,
  kinds: KindRegistry = KINDS,
): { passed: boolean; failures: string[] } {
  const failures = [...new Set(kindIds.flatMap((k) => evaluateGas(k, lelPct, r, kinds).failures))];
  return { passed: failures.length === 0, failures };
}

/** Does the rule want a passing sample before start for this permit ('hazardous_media': LEL or toxic risk set)? */
export function gasRequiredBeforeStart(rule: GasRule, p: Pick<Permit, 'lelPct' | 'toxicRisk'>): boolean {
  if (rule.requiredBeforeStart === 'always') return true;
  return rule.requiredBeforeStart === 'hazardous_media' && (p.lelPct !== null || p.toxicRisk);
}

/**
 * How long work may go on continuously at this sample's reading of the rule's exposure gas (煤气: CO
 * bands of GB 6222-2005): null when unlimited (no exposure rule, not measured, or the lowest band),
 * else the band's limit. A reading above every band fails the sample itself (the gas limit).
 */
export function exposureLimit(
  rule: GasRule,
  t: Pick<GasTest, 'coPpm' | 'h2sPpm'>,
): { ppm: number; maxContinuousMs: number } | null {
  const ex = rule.exposure;
  if (!ex) return null;
  const ppm = ex.gas === 'co' ? t.coPpm : t.h2sPpm;
  if (ppm === null) return null;
  const band = ex.bands.find((b) => ppm <= b.maxPpm);
  return band && band.maxContinuousMs !== null ? { ppm, maxContinuousMs: band.maxContinuousMs } : null;
}

/** Break after which work needs a fresh gas test, by kind and level (动火 特级/一级 30 min; 二级, 受限空间 60 min). */
export function retestAfterBreakMs(p: Pick<Permit, 'kind' | 'level'>, kinds: KindRegistry = KINDS): number {
  return kinds.levelRules(kinds.kindOf(p.kind), p.level).retestAfterBreakMs;
}

export type GasVerdict = 'ok' | 'missing' | 'failed' | 'retest';

/**
 * Is there a usable gas analysis for work at `now`? The latest sample (not taken in the future) must
 * pass and be ≤ `freshMs` old (the kind's gas.freshMs); when `after` is given (resume after a long
 * break), it must be newer too.
 */
export function gasVerdict(
  tests: readonly GasTest[],
  now: number,
  after?: number,
  freshMs = DEFAULT_GAS_FRESH_MS,
): GasVerdict {
  const usable = tests.filter((t) => t.takenAt <= now).sort((a, b) => b.takenAt - a.takenAt);
  const latest = usable[0];
  if (!latest) return after === undefined ? 'missing' : 'retest';
  if (!latest.passed) return 'failed';
  if (after !== undefined && latest.takenAt < after) return 'retest';
  return now - latest.takenAt <= freshMs ? 'ok' : after === undefined ? 'missing' : 'retest';
}

/** 每日作业前: work on a new (local) day needs a passing gas test taken that day, and no later failure. */
export function gasTestedToday(tests: readonly GasTest[], now: number, utcOffsetMinutes: number): boolean {
  const day = (t: number) => Math.floor((t + utcOffsetMinutes * MINUTE) / (24 * HOUR));
  const usable = tests.filter((t) => t.takenAt <= now).sort((a, b) => b.takenAt - a.takenAt);
  if (usable[0] && !usable[0].passed) return false;
  return usable.some((t) => t.passed && day(t.takenAt) === day(now));
}
