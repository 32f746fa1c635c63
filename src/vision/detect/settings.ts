import Value from 'typebox/value';
import { DetectConfigSchema, type DetectConfig } from './config.schema.ts';
import type { ModelEntry } from './manifest.ts';
import { classThresholds } from './plugins/ppe-yolox-head.ts';
import type { Label } from './types.ts';

/** The detect section with its defaults, for commands that run without a config file. */
export function defaultDetectConfig(env: NodeJS.ProcessEnv = process.env): DetectConfig {
  const cfg = Value.Default(DetectConfigSchema, {}) as DetectConfig;
  return env.JIANHU_MODELS_DIR ? { ...cfg, modelsDir: env.JIANHU_MODELS_DIR } : cfg;
}

/** `--input-size` of `jianhu detect` / `jianhu eval`, checked by the schema of `detect.inputSize`. */
export function parseInputSize(v: string | undefined): number | string {
  const schema = DetectConfigSchema.properties.inputSize;
  const n = Number(v);
  if (Value.Check(schema, n)) return n;
  const { minimum, maximum, multipleOf } = schema as unknown as Record<string, number>;
  return `--input-size needs a multiple of ${multipleOf} from ${minimum} to ${maximum} (YOLOX strides), e.g. 416 or 576`;
}

/** `--min-score S` of `jianhu detect` / `jianhu eval`: a score from 0.01 to 1. */
export function parseMinScore(v: string | undefined): number | string {
  const n = Number(v);
  if (v !== undefined && v.trim() !== '' && Number.isFinite(n) && n >= 0.01 && n <= 1) return n;
  return `JH_ERR_MIN_SCORE: --min-score needs a number from 0.01 to 1 最低分数须在 0.01 与 1 之间 (got ${v ?? 'nothing'})`;
}

/**
 * Per-model settings that make every detector report down to `minScore` (measurement: AP over the
 * whole score range): `score` replaces the YOLOX-layout decoders' thresholds, `minScore` makes the
 * vest classifier report both of its answers (plugins/ppe-vest.ts). `base`: the configured overrides.
 */
export function reportDownTo(
  models: readonly string[],
  minScore: number,
  base: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {},
): Record<string, Record<string, unknown>> {
  return Object.fromEntries(models.map((m) => [m, { ...(base[m] ?? {}), score: minScore, minScore }]));
}

/** The score each label is reported at in service (the manifest's per-class thresholds, then `overrides`). */
export function operatingThresholds(
  entries: readonly ModelEntry[],
  overrides: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {},
): Partial<Record<Label, number>> {
  const out: Partial<Record<Label, number>> = {};
  for (const e of entries)
    Object.assign(out, classThresholds(e, Object.values(e.classes), overrides[e.name] ?? {}));
  return out;
}
