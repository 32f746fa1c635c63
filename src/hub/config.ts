import { readFileSync } from 'node:fs';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { parse as parseYaml } from 'yaml';
import { IdSchema } from '../platform/shared/id-schema.ts';
import { NatsServerInputSchema } from '../platform/uplink/nats-server-config.ts';

/**
 * `jianhu hub --config hub.yaml`: the county hub's own configuration, apart from a box's. Unknown keys
 * are rejected and every cross-reference is checked before anything starts (fail closed): a box may
 * only ever speak for the enterprises listed under it here, whatever its messages claim.
 */
const strict = { additionalProperties: false } as const;

const PasswordFields = {
  password: Type.Optional(Type.String({ minLength: 8, maxLength: 256, description: 'plain (demos only)' })),
  passwordHash: Type.Optional(Type.String({ pattern: '^\\$argon2', description: 'an argon2 hash' })),
  passwordEnv: Type.Optional(
    Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$', description: 'environment variable holding it' }),
  ),
};

export const HubConfigSchema = Type.Object(
  {
    nats: Type.Object(
      {
        url: Type.String({ default: 'nats://127.0.0.1:4222', pattern: '^(nats|tls)://' }),
        user: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        passwordEnv: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$' })),
        credsFile: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
        nkeySeedFile: Type.Optional(
          Type.String({ minLength: 1, maxLength: 4096, description: "the hub's nkey seed (SU…), mode 0600" }),
        ),
        durable: Type.String({ default: 'jianhu-hub', pattern: '^[A-Za-z0-9_-]{1,64}$' }),
        stream: Type.Object(
          {
            maxAgeDays: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
            maxGiB: Type.Number({ exclusiveMinimum: 0, maximum: 10_000, default: 20 }),
            duplicateWindowSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 120 }),
          },
          { ...strict, default: {} },
        ),
        evidenceTimeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
      },
      { ...strict, default: {} },
    ),
    /** read by `jianhu hub nats-config` (the hub's nats-server); checked against `boxes` here */
    natsServer: Type.Optional(NatsServerInputSchema),
    store: Type.Object(
      {
        url: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
        urlEnv: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$' })),
        poolSize: Type.Integer({ minimum: 2, maximum: 100, default: 8 }),
      },
      { ...strict, default: {} },
    ),
    server: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8090 }),
        logLevel: Type.Union(
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
          { default: 'info' },
        ),
        allowedOrigins: Type.Array(Type.String({ pattern: '^https?://' }), { default: [], maxItems: 32 }),
        sessionTtlHours: Type.Number({ exclusiveMinimum: 0, maximum: 720, default: 12 }),
      },
      { ...strict, default: {} },
    ),
    regions: Type.Array(Type.Object({ id: IdSchema, name: Type.String({ minLength: 1 }) }, strict), {
      minItems: 1,
    }),
    enterprises: Type.Array(
      Type.Object(
        {
          id: IdSchema,
          name: Type.String({ minLength: 1 }),
          regionId: IdSchema,
          /** 行业类别 as the annex forms print it */
          industry: Type.Optional(Type.String({ maxLength: 64 })),
        },
        strict,
      ),
      { default: [] },
    ),
    boxes: Type.Array(
      Type.Object(
        { id: IdSchema, enterpriseIds: Type.Array(IdSchema, { minItems: 1, uniqueItems: true }) },
        strict,
      ),
      { default: [] },
    ),
    users: Type.Array(
      Type.Object(
        {
          username: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
          displayName: Type.String({ minLength: 1, maxLength: 64 }),
          regionId: IdSchema,
          ...PasswordFields,
        },
        strict,
      ),
      { default: [] },
    ),
  },
  strict,
);

export type HubConfig = Static<typeof HubConfigSchema>;

export class HubConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid hub configuration: ${issues.length} error(s)\n${issues.map((i) => `  ${i}`).join('\n')}`);
    this.name = 'HubConfigError';
  }
}

function crossCheck(c: HubConfig, env: NodeJS.ProcessEnv): string[] {
  const issues: string[] = [];
  const dup = (what: string, ids: string[]) => {
    const seen = new Set<string>();
    for (const id of ids)
      if (seen.has(id)) issues.push(`${what}: "${id}" is listed twice`);
      else seen.add(id);
  };
  dup(
    'regions',
    c.regions.map((r) => r.id),
  );
  dup(
    'enterprises',
    c.enterprises.map((e) => e.id),
  );
  dup(
    'boxes',
    c.boxes.map((b) => b.id),
  );
  dup(
    'users',
    c.users.map((u) => u.username),
  );
  const regions = new Set(c.regions.map((r) => r.id));
  const enterprises = new Set(c.enterprises.map((e) => e.id));
  c.enterprises.forEach((e, i) => {
    if (!regions.has(e.regionId)) issues.push(`enterprises[${i}].regionId: no region "${e.regionId}"`);
  });
  const owner = new Map<string, string>();
  c.boxes.forEach((b, i) =>
    b.enterpriseIds.forEach((e) => {
      if (!enterprises.has(e)) issues.push(`boxes[${i}].enterpriseIds: no enterprise "${e}"`);
      // one enterprise, one box: otherwise two chains would both speak for it
      const other = owner.get(e);
      if (other) issues.push(`boxes[${i}].enterpriseIds: "${e}" already belongs to box "${other}"`);
      owner.set(e, b.id);
    }),
  );
  c.users.forEach((u, i) => {
    if (!regions.has(u.regionId)) issues.push(`users[${i}].regionId: no region "${u.regionId}"`);
    const ways = [u.password, u.passwordHash, u.passwordEnv].filter((x) => x !== undefined).length;
    if (ways !== 1) issues.push(`users[${i}]: give exactly one of password, passwordHash, passwordEnv`);
    else if (u.passwordEnv && !env[u.passwordEnv])
      issues.push(`users[${i}].passwordEnv: environment variable ${u.passwordEnv} is not set`);
  });
  if (!c.store.url && !c.store.urlEnv) issues.push('store: give url or urlEnv (PostgreSQL)');
  if (c.store.urlEnv && !env[c.store.urlEnv])
    issues.push(`store.urlEnv: environment variable ${c.store.urlEnv} is not set`);
  for (const nb of c.natsServer?.boxes ?? []) {
    const b = c.boxes.find((x) => x.id === nb.boxId);
    const same = b && [...nb.enterprises].sort().join() === [...b.enterpriseIds].sort().join();
    if (!same)
      issues.push(
        `natsServer.boxes: box "${nb.boxId}" may publish for [${nb.enterprises.join(', ')}] but boxes lists ${b ? `[${b.enterpriseIds.join(', ')}]` : 'no such box'}`,
      );
  }
  const auths = [c.nats.user, c.nats.credsFile, c.nats.nkeySeedFile].filter(Boolean).length;
  if (auths > 1) issues.push('nats: give at most one of user, credsFile, nkeySeedFile');
  if (c.nats.passwordEnv && !c.nats.user) issues.push('nats.passwordEnv: needs nats.user');
  if (c.nats.passwordEnv && !env[c.nats.passwordEnv])
    issues.push(`nats.passwordEnv: environment variable ${c.nats.passwordEnv} is not set`);
  return issues;
}

export function validateHubConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): HubConfig {
  const withDefaults = Value.Default(HubConfigSchema, Value.Clone(raw ?? {}));
  const issues = [...Value.Errors(HubConfigSchema, withDefaults)].map(
    (e) =>
      `${e.instancePath || '(root)'}: ${e.message}` +
      (e.keyword === 'additionalProperties' ? ` ${JSON.stringify(e.params)}` : ''),
  );
  if (issues.length === 0) issues.push(...crossCheck(withDefaults as HubConfig, env));
  if (issues.length > 0) throw new HubConfigError([...new Set(issues)]);
  return withDefaults as HubConfig;
}

export function loadHubConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): HubConfig {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'), { uniqueKeys: true });
  } catch (e) {
    throw new HubConfigError([`${file}: ${(e as Error).message.split('\n')[0]}`]);
  }
  return validateHubConfig(raw, env);
}

/** The store's URL, from the file or the environment. */
export const storeUrl = (c: HubConfig, env: NodeJS.ProcessEnv = process.env): string =>
  c.store.url ?? env[c.store.urlEnv!]!;
