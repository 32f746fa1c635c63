import { defineError } from '../../platform/shared/errors.ts';
import type { Label, LevelRules, WorkKind } from './work-kind.ts';

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

/** One kind as `GET /api/permit-kinds` and the browser scripts see it. */
export interface KindSummary {
  id: string;
  numberPrefix: string;
  name: Label;
  shortName: Label;
  levels: { id: string; name: Label }[];
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
    summaries: () =>
      list.map((k) => ({
        id: k.id,
        numberPrefix: k.numberPrefix,
        name: { ...k.label },
        shortName: { ...k.shortLabel },
        levels: k.levels.map((l) => ({ id: l.id, name: { zh: l.zh, en: l.en } })),
      })),
  };
}
