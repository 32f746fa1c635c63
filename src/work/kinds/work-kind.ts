/**
 * What a kind of special work (GB 30871-2022 特殊作业) is, as data: the permit domain, the scan and
 * lock checks, the supervision adapter, the UI and the exports read these facts instead of testing
 * kind ids. Pure values, no I/O: a kind file is one `defineKind({...})`.
 */

/** Approval authority, lowest first (作业所在单位 < 安全管理部门 < 主管领导/主要负责人). */
export const AUTHORITIES = ['unit', 'safety_dept', 'leader'] as const;
export type Authority = (typeof AUTHORITIES)[number];

/** Why a permit's level is raised by one (节假日、夜间、特殊情况). */
export type EscalationReason = 'holiday' | 'night' | 'special_circumstance';

/** The gases a gas analysis records (the GasTest columns). */
export type Gas = 'o2' | 'combustible' | 'h2s' | 'co';

export interface Label {
  zh: string;
  en: string;
}

/** The rules that change with a kind's level (or hold for the whole kind when it has no levels). */
export interface LevelRules {
  /** longest work window one permit may cover */
  maxValidityMs: number;
  /** who must approve */
  authority: Authority;
  /** a break in the work longer than this needs a fresh gas test before resuming */
  retestAfterBreakMs: number;
  /** 无监控不作业: at least one live bound camera before submit / start / resume */
  videoRequired: boolean;
}

export interface KindLevel extends LevelRules, Label {
  /** stored in permits.level; keep it stable once permits exist */
  id: string;
}

/**
 * When a passing gas sample is needed before work starts: always, never, or only when the permit says
 * flammable or toxic media are present (its `lelPct` is set or `toxicRisk` is true).
 */
export type GasRequirement = 'always' | 'hazardous_media' | 'never';

/** How long one may work continuously at a reading of at most `maxPpm` (null: no limit). */
export interface ExposureBand {
  maxPpm: number;
  maxContinuousMs: number | null;
}

/**
 * A toxic gas whose reading decides how long work may go on (煤气作业, GB 6222-2005: the higher the CO,
 * the shorter each spell inside). Bands ascend; a reading above the last band fails the sample.
 */
export interface ExposureRule {
  gas: 'co' | 'h2s';
  bands: readonly ExposureBand[];
  /** after a spell limited by a band, the next may start only after this rest */
  restBetweenEntriesMs: number;
}

export interface GasRule {
  /** every sample must carry these; a sample missing one fails */
  mustMeasure: readonly Gas[];
  limits: {
    o2MinPct: number;
    o2MaxPct: number;
    /** combustible % by volume allowed when the gas's LEL is ≥ 4% / < 4% */
    combustibleHighLelPct: number;
    combustibleLowLelPct: number;
    h2sMaxPpm: number;
    coMaxPpm: number;
  };
  /** a passing sample no older than `freshMs` is needed to start work: always, never, or with hazardous media */
  requiredBeforeStart: GasRequirement;
  freshMs: number;
  /** while work goes on a sample must be logged at least this often, else the sweep suspends; null: no such rule */
  continuousMs: number | null;
  /** the reading bounds the work window (null: no such rule) */
  exposure: ExposureRule | null;
}

export interface WorkKind {
  /** stored in permits.kind; keep it stable once permits exist */
  id: string;
  /** permit numbers read `<prefix>-<local yyyymmdd>-<n>` */
  numberPrefix: string;
  /** full name (exports, headings) and short name (badges on the wall) */
  label: Label;
  shortLabel: Label;
  /**
   * Levels from the most to the least hazardous; escalation moves one step toward the first.
   * Empty when the kind has no levels: then `ungraded` holds its rules and permits store level null.
   */
  levels: readonly KindLevel[];
  ungraded: LevelRules | null;
  /** reasons that raise the level by one (only meaningful for a kind with levels) */
  escalatesOn: readonly EscalationReason[];
  /** with a toxic-gas risk (H2S/CO/CO2) the approval needs at least this authority; null: no effect */
  toxicRiskAuthority: Authority | null;
  gas: GasRule;
  guardian: {
    /** a named guardian before start / resume (and before a welder's scan) */
    required: boolean;
  };
  /** 特种作业操作证 categories the workers must hold (enforced at the machine scan for welding today) */
  certificates: readonly string[];
  /** what may be bound to the permit and is checked against its kind */
  bindings: {
    /** 一机一码 welding machines: a scan covers the machine only through a permit of such a kind */
    machines: boolean;
    /** 加锁赋码 entrance locks: unlock and entry logs only under such a kind */
    locks: boolean;
  };
  /** what video supervision may assume while such a permit is active on a camera */
  supervision: {
    /** open flame seen on the camera is permitted work, not 疑似无票动火 */
    allowsOpenFlame: boolean;
  };
  /**
   * 安全措施: the standard measures of the kind's permit form (GB 30871-2022 附录 forms), offered when a
   * permit is drafted; each chosen one is confirmed by name before start.
   */
  measuresChecklist: readonly Label[];
  /** 交叉作业 (SIMOPS): how linked permits of other kinds relate to this one */
  simops: {
    /**
     * Linked work of a kind that does not enclose happens inside this one (动火 inside a 受限空间): it may
     * start or resume only while this permit is active, is suspended with it, and its gas samples must
     * also meet this kind's gas rule.
     */
    enclosesLinkedWork: boolean;
  };
}

/** A kind whose facts contradict each other; thrown when the kind is defined, i.e. at import. */
export class KindDefinitionError extends Error {
  constructor(kindId: string, why: string) {
    super(`work kind ${kindId}: ${why}`);
    this.name = 'KindDefinitionError';
  }
}

/** Checks a kind's facts once, where it is declared, so every reader may trust them. */
export function defineKind(k: WorkKind): WorkKind {
  const fail = (why: string) => {
    throw new KindDefinitionError(k.id, why);
  };
  if (!/^[a-z][a-z0-9_]{1,31}$/.test(k.id)) fail('id must be snake_case (it is stored in the database)');
  if (!/^[A-Z]{1,4}$/.test(k.numberPrefix)) fail('numberPrefix must be 1-4 capital letters');
  if (k.levels.length === 0 && !k.ungraded) fail('a kind without levels needs `ungraded` rules');
  if (k.levels.length > 0 && k.ungraded) fail('a kind with levels takes its rules from them, not `ungraded`');
  if (k.levels.length === 0 && k.escalatesOn.length > 0) fail('only a kind with levels can escalate');
  const levelIds = k.levels.map((l) => l.id);
  if (new Set(levelIds).size !== levelIds.length) fail('level ids repeat');
  for (const r of [...k.levels, ...(k.ungraded ? [k.ungraded] : [])])
    if (!(r.maxValidityMs > 0) || !(r.retestAfterBreakMs > 0)) fail('durations must be positive');
  if (!(k.gas.freshMs > 0)) fail('gas.freshMs must be positive');
  const ex = k.gas.exposure;
  if (ex) {
    if (ex.bands.length === 0) fail('gas.exposure needs at least one band');
    if (!k.gas.mustMeasure.includes(ex.gas)) fail('an exposure gas must be in gas.mustMeasure');
    ex.bands.forEach((b, i) => {
      const prev = ex.bands[i - 1];
      if (prev && !(b.maxPpm > prev.maxPpm)) fail('exposure bands must ascend');
      if (b.maxContinuousMs !== null && !(b.maxContinuousMs > 0)) fail('exposure durations must be positive');
      if (prev && b.maxContinuousMs !== null && (prev.maxContinuousMs ?? Infinity) < b.maxContinuousMs)
        fail('a higher exposure band cannot allow longer work');
    });
    const top = ex.bands[ex.bands.length - 1]!.maxPpm;
    const limit = ex.gas === 'co' ? k.gas.limits.coMaxPpm : k.gas.limits.h2sMaxPpm;
    if (top !== limit) fail('the last exposure band must end at the gas limit');
    if (!(ex.restBetweenEntriesMs > 0)) fail('exposure rest must be positive');
  }
  if (k.measuresChecklist.some((m) => !m.zh || !m.en)) fail('every checklist measure needs zh and en');
  return Object.freeze(k);
}
