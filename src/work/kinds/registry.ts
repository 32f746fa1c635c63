import { defineError } from '../../platform/shared/errors.ts';
import type {
  Authority,
  EscalationReason,
  Gas,
  GasRequirement,
  Label,
  LevelRules,
  WorkKind,
} from './work-kind.ts';

export const KindErrors = {
  unknownKind: defineError(
    'JH_ERR_PERMIT_UNKNOWN_KIND',
    400,
    '作业类型不存在。',
    'There is no such kind of work.',
  ),
  unknownLevel: defineError(
    'JH_ERR_PERMIT_UNKNOWN_LEVEL',
    400,
    '该作业类型没有这个级别。',
    'That kind of work has no such level.',
  ),
};

/** A level's (or an ungraded kind's) rules in the units a form shows. */
export interface LevelRulesSummary {
  maxValidityHours: number;
  authority: Authority;
  retestAfterBreakMinutes: number;
  videoRequired: boolean;
}

/** One kind as `GET /api/permit-kinds` and the browser scripts see it: what a permit form needs. */
export interface KindSummary {
  id: string;
  numberPrefix: string;
  name: Label;
  shortName: Label;
  levels: ({ id: string; name: Label } & LevelRulesSummary)[];
  /** the rules of a kind without levels; null when it has levels */
  ungraded: LevelRulesSummary | null;
  escalatesOn: EscalationReason[];
  toxicRiskAuthority: Authority | null;
  guardianRequired: boolean;
  certificates: string[];
  gas: {
    mustMeasure: Gas[];
    requiredBeforeStart: GasRequirement;
    freshMinutes: number;
    continuousMinutes: number | null;
    limits: WorkKind['gas']['limits'];
    exposure: {
      gas: 'co' | 'h2s';
      bands: { maxPpm: number; maxContinuousMinutes: number | null }[];
      restBetweenEntriesMinutes: number;
    } | null;
  };
  measuresChecklist: Label[];
  enclosesLinkedWork: boolean;
  allowsOpenFlame: boolean;
}

const minutes = (ms: number) => ms / 60_000;
const rulesSummary = (r: LevelRules): LevelRulesSummary => ({
  maxValidityHours: r.maxValidityMs / 3600_000,
  authority: r.authority,
  retestAfterBreakMinutes: minutes(r.retestAfterBreakMs),
  videoRequired: r.videoRequired,
});

function summarise(k: WorkKind): KindSummary {
  const ex = k.gas.exposure;
  return {
    id: k.id,
    numberPrefix: k.numberPrefix,
    name: { ...k.label },
    shortName: { ...k.shortLabel },
    levels: k.levels.map((l) => ({ id: l.id, name: { zh: l.zh, en: l.en }, ...rulesSummary(l) })),
    ungraded: k.ungraded ? rulesSummary(k.ungraded) : null,
    escalatesOn: [...k.escalatesOn],
    toxicRiskAuthority: k.toxicRiskAuthority,
    guardianRequired: k.guardian.required,
    certificates: [...k.certificates],
    gas: {
      mustMeasure: [...k.gas.mustMeasure],
      requiredBeforeStart: k.gas.requiredBeforeStart,
      freshMinutes: minutes(k.gas.freshMs),
      continuousMinutes: k.gas.continuousMs === null ? null : minutes(k.gas.continuousMs),
      limits: { ...k.gas.limits },
      exposure: ex
        ? {
            gas: ex.gas,
            bands: ex.bands.map((b) => ({
              maxPpm: b.maxPpm,
              maxContinuousMinutes: b.maxContinuousMs === null ? null : minutes(b.maxContinuousMs),
            })),
            restBetweenEntriesMinutes: minutes(ex.restBetweenEntriesMs),
          }
        : null,
    },
    measuresChecklist: k.measuresChecklist.map((m) => ({ ...m })),
    enclosesLinkedWork: k.simops.enclosesLinkedWork,
    allowsOpenFlame: k.supervision.allowsOpenFlame,
  };
}

export interface KindRegistry {
  readonly list: readonly WorkKind[];
  readonly ids: readonly string[];
  /** every level id of any kind (the create schema accepts these; the kind then checks its own) */
  readonly levelIds: readonly string[];
  find(id: string): WorkKind | undefined;
  /** the kind, or a coded refusal (400) naming the unknown id */
  kindOf(id: string): WorkKind;
  /** the rules of `level` (null for a kind without levels), or a coded refusal */
  levelRules(kind: WorkKind, level: string | null): LevelRules;
  summaries(): KindSummary[];
}

/**
 * A registry over `kinds`, in the order given (the UI lists them so). Built from a plain list so a
 * test can register a kind of its own exactly as src/work/kinds/index.ts registers the real ones.
 */
export function buildKindRegistry(kinds: readonly WorkKind[]): KindRegistry {
  const byId = new Map<string, WorkKind>();
  const byPrefix = new Map<string, string>();
  for (const k of kinds) {
    if (byId.has(k.id)) throw new Error(`work kind ${k.id} registered twice`);
    const other = byPrefix.get(k.numberPrefix);
    if (other) throw new Error(`work kinds ${other} and ${k.id} share the number prefix ${k.numberPrefix}`);
    byId.set(k.id, k);
    byPrefix.set(k.numberPrefix, k.id);
  }
  const list = Object.freeze([...kinds]);
  return {
    list,
    ids: Object.freeze(list.map((k) => k.id)),
    levelIds: Object.freeze([...new Set(list.flatMap((k) => k.levels.map((l) => l.id)))]),
    find: (id) => byId.get(id),
    kindOf(id) {
      const k = byId.get(id);
      if (!k) throw KindErrors.unknownKind({ kind: id, known: [...byId.keys()] });
      return k;
    },
    levelRules(kind, level) {
      if (kind.levels.length === 0) return kind.ungraded!; // defineKind guarantees it is set
      const l = kind.levels.find((x) => x.id === level);
      if (!l) throw KindErrors.unknownLevel({ kind: kind.id, level, known: kind.levels.map((x) => x.id) });
      return l;
    },
    summaries: () => list.map(summarise),
  };
}
