import Value from 'typebox/value';
import { DetectConfigSchema, type DetectConfig } from './config.schema.ts';

/** The detect section with its defaults, for commands that run without a config file. */
export function defaultDetectConfig(env: NodeJS.ProcessEnv = process.env): DetectConfig {
  const cfg = Value.Default(DetectConfigSchema, {}) as DetectConfig;
  return env.JIANHU_MODELS_DIR ? { ...cfg, modelsDir: env.JIANHU_MODELS_DIR } : cfg;
}
