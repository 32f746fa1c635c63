import Value from 'typebox/value';
import { DetectConfigSchema, type DetectConfig } from './config.schema.ts';

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
