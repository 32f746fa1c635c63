import Value from 'typebox/value';
import { DetectConfigSchema, type DetectConfig } from './config.schema.ts';

/** The detect section with its defaults, for commands that run without a config file. */
export function defaultDetectConfig(env: NodeJS.ProcessEnv = process.env): DetectConfig {
  const cfg = Value.Default(DetectConfigSchema, {}) as DetectConfig;
  return env.JIANHU_MODELS_DIR ? { ...cfg, modelsDir: env.JIANHU_MODELS_DIR } : cfg;
}

/** `--input-size` of `jianhu detect` / `jianhu eval`: the same bounds as `detect.inputSize`. */
export function parseInputSize(v: string | undefined): number | string {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 160 || n > 1280 || n % 32 !== 0)
    return '--input-size needs a multiple of 32 from 160 to 1280 (YOLOX strides), e.g. 416 or 576';
  return n;
}
