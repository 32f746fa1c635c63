import type { RulesConfig } from './config.schema.ts';
import type { Severity } from './types.ts';

/** One rule's settings after defaults and overrides (times in ms). */
export interface RuleParams {
  enabled: boolean;
  severity: Severity;
  minHits: number;
  window: number;
  dwellMs: number;
  clearMs: number;
  cooldownMs: number;
  aspectMin: number;
  maxPeople: number;
  minScore: number;
}

export type RuleName = Exclude<keyof RulesConfig, 'enabled'>;

interface Defaults {
  enabled: boolean;
  severity: Severity;
  minHits: number;
  window: number;
  dwellSeconds: number;
  clearSeconds: number;
  cooldownSeconds: number;
  aspectMin?: number;
  maxPeople?: number;
  minScore?: number;
}

/**
 * Safe defaults, chosen for 2 frames/s sampling. Inertia and dwell are the false-alarm guard: no hard
 * hat needs 4 of the last 6 frames over ≥ 3 s; a person crossing a danger zone in one frame never
 * fires; a guardian must be missing 8 of 10 frames over ≥ 30 s. Smoking is OFF: no model here sees
 * cigarettes — the fire/smoke model is trained on CCTV fires, and a small "smoke" box at a head is
 * not evidence of smoking; turn it on only with a model that supports it.
 */
export const DEFAULT_RULES: Record<RuleName, Defaults> = {
  noHelmet: r('high', 4, 6, 3, 5, 120),
  noVest: r('medium', 4, 6, 3, 5, 300),
  phoneUse: r('medium', 3, 5, 3, 5, 120),
  smoking: { ...r('medium', 3, 5, 2, 5, 300), enabled: false },
  dangerZone: r('high', 2, 3, 1, 3, 60),
  personDown: { ...r('high', 4, 6, 5, 3, 60), aspectMin: 1.2 },
  guardianAbsent: r('high', 8, 10, 30, 5, 60),
  crowding: { ...r('medium', 4, 6, 10, 5, 300), maxPeople: 5 },
  hotWork: { ...r('high', 3, 5, 3, 10, 300), minScore: 0.5 },
};

function r(
  severity: Severity,
  minHits: number,
  window: number,
  dwellSeconds: number,
  clearSeconds: number,
  cooldownSeconds: number,
): Defaults {
  return { enabled: true, severity, minHits, window, dwellSeconds, clearSeconds, cooldownSeconds };
}

/** Global → site → camera, field by field; `enabled: false` at any scope switches all rules off. */
export function resolveRules(...scopes: (Partial<RulesConfig> | undefined)[]): Record<RuleName, RuleParams> {
  const allOn = scopes.every((s) => s?.enabled !== false);
  const out = {} as Record<RuleName, RuleParams>;
  for (const name of Object.keys(DEFAULT_RULES) as RuleName[]) {
    const merged: Defaults = { ...DEFAULT_RULES[name] };
    for (const s of scopes) Object.assign(merged, stripUndefined(s?.[name] ?? {}));
    out[name] = {
      enabled: allOn && merged.enabled,
      severity: merged.severity,
      minHits: Math.min(merged.minHits, merged.window),
      window: merged.window,
      dwellMs: merged.dwellSeconds * 1000,
      clearMs: merged.clearSeconds * 1000,
      cooldownMs: merged.cooldownSeconds * 1000,
      aspectMin: merged.aspectMin ?? 1.2,
      maxPeople: merged.maxPeople ?? 5,
      minScore: merged.minScore ?? 0.5,
    };
  }
  return out;
}

function stripUndefined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
