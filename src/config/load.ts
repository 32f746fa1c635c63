import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, parse as parseYamlScalar, isNode } from 'yaml';
import Value from 'typebox/value';
import { ConfigSchema, type Config } from './schema.ts';
import { crossCheck } from './cross-check.ts';
import { describeSchemaError } from './messages.ts';

export interface ConfigIssue {
  /** JSON-pointer-like path, e.g. `sites[0].cameras[1].url` */
  path: string;
  message: string;
  line?: number;
}

export class ConfigError extends Error {
  constructor(
    readonly issues: ConfigIssue[],
    readonly file?: string,
  ) {
    super(`invalid configuration${file ? ` in ${file}` : ''}: ${issues.length} error(s)`);
    this.name = 'ConfigError';
  }
}

const toDotted = (segments: (string | number)[]): string =>
  segments.reduce<string>(
    (acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s),
    '',
  ) || '(root)';

const pointerSegments = (pointer: string): (string | number)[] =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/**
 * Environment overrides: `JIANHU_CFG__server__port=9000` sets server.port (value parsed as YAML, so
 * numbers and booleans keep their type). A few short forms exist for the settings changed most.
 */
export function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const shortcuts: Record<string, string[]> = {
    JIANHU_PORT: ['server', 'port'],
    JIANHU_HOST: ['server', 'host'],
    JIANHU_DB: ['store', 'path'],
    JIANHU_DATA_DIR: ['store', 'dataDir'],
    JIANHU_MQTT_URL: ['mqtt', 'url'],
    JIANHU_MQTT_PORT: ['mqtt', 'port'],
    JIANHU_LOG_LEVEL: ['server', 'logLevel'],
    JIANHU_MODELS_DIR: ['detect', 'modelsDir'],
  };
  const out = structuredClone(raw);
  const set = (path: string[], value: string): void => {
    let node: Record<string, unknown> = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = parseYamlScalar(value);
  };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (shortcuts[name]) set(shortcuts[name], value);
    else if (name.startsWith('JIANHU_CFG__')) set(name.slice('JIANHU_CFG__'.length).split('__'), value);
  }
  return out;
}

/** Validate an already-parsed object: schema first (unknown keys, types), then named cross-checks. */
export function validateConfig(
  raw: unknown,
  lineOf?: (segments: (string | number)[]) => number | undefined,
): Config {
  const issues: ConfigIssue[] = [];
  const withDefaults = Value.Default(ConfigSchema, Value.Clone(raw ?? {}));
  for (const err of Value.Errors(ConfigSchema, withDefaults)) {
    const described = describeSchemaError(err);
    if (!described) continue;
    const segments = pointerSegments(described.pointer);
    issues.push({ path: toDotted(segments), message: described.message, line: lineOf?.(segments) });
  }
  if (issues.length === 0) {
    for (const issue of crossCheck(withDefaults as Config)) {
      issues.push({ path: toDotted(issue.path), message: issue.message, line: lineOf?.(issue.path) });
    }
  }
  if (issues.length > 0) throw new ConfigError(dedupe(issues));
  return deepFreeze(withDefaults as Config);
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Reads a YAML file, applies environment overrides and validates; throws ConfigError with every issue. */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(
      [{ path: '(file)', message: `cannot read ${file}: ${(e as Error).message}` }],
      file,
    );
  }
  return loadConfigText(text, file, env);
}

export function loadConfigText(text: string, file = '(text)', env: NodeJS.ProcessEnv = {}): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        path: '(yaml)',
        message: e.message.split('\n')[0] ?? e.message,
        line: e.linePos?.[0]?.line,
      })),
      file,
    );
  }
  const lineOf = (segments: (string | number)[]): number | undefined => {
    for (let n = segments.length; n >= 0; n--) {
      const node = doc.getIn(segments.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([{ path: '(root)', message: 'the configuration must be a YAML mapping' }], file);
  }
  try {
    return validateConfig(applyEnvOverrides(raw, env), lineOf);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.issues, file);
    throw e;
  }
}

/** The embedded defaults, with environment overrides applied. */
export function defaultConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return validateConfig(applyEnvOverrides({}, env));
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
