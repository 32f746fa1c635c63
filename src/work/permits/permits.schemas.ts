import Type from 'typebox';
import { KINDS } from '../kinds/index.ts';

// Kinds and levels come from the registry (src/work/kinds): a new kind file widens these, and the
// OpenAPI document shows them as a union of string literals. The kind then checks its own levels.
const Kind = Type.Union(
  KINDS.ids.map((id) => Type.Literal(id)),
  { description: `作业类型 kind of work: ${KINDS.list.map((k) => `${k.id} ${k.label.zh}`).join(', ')}` },
);
const Level = Type.Union(
  KINDS.levelIds.map((id) => Type.Literal(id)),
  {
    description:
      '级别 level, one of the kind’s own (GET /api/permit-kinds); ignored for a kind without levels',
  },
);
export const AuthoritySchema = Type.Union([
  Type.Literal('unit'),
  Type.Literal('safety_dept'),
  Type.Literal('leader'),
]);
const State = Type.Union(
  ['draft', 'awaiting_approval', 'approved', 'active', 'suspended', 'completed', 'revoked', 'expired'].map(
    (s) => Type.Literal(s),
  ),
);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const IdStr = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' });

export const LinkBody = Type.Object(
  { permitId: Type.String({ minLength: 1, maxLength: 64, description: '关联作业票 the permit to link' }) },
  { additionalProperties: false },
);

export const PermitIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const CreatePermitBody = Type.Object(
  {
    enterpriseId: Type.Optional(IdStr),
    siteId: IdStr,
    kind: Kind,
    level: Type.Optional(Level),
    location: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ maxLength: 2000, default: '' }),
    validFrom: Type.String({ format: 'date-time' }),
    validTo: Type.String({ format: 'date-time' }),
    workers: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 }),
    guardian: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    cameraIds: Type.Array(IdStr, { maxItems: 16, default: [] }),
    machineIds: Type.Array(IdStr, { maxItems: 16, default: [] }),
    lockIds: Type.Array(IdStr, { maxItems: 16, default: [] }),
    measures: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 50, default: [] }),
    linkedPermitIds: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20, default: [] }),
    toxicRisk: Type.Boolean({ default: false, description: 'H2S/CO/CO2 risk (confined space)' }),
    lelPct: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
    workPoint: Type.Optional(
      Type.Object(
        {
          lat: Type.Number({ minimum: -90, maximum: 90 }),
          lon: Type.Number({ minimum: -180, maximum: 180 }),
        },
        { additionalProperties: false, description: '动火点 the hot-work point' },
      ),
    ),
    holiday: Type.Boolean({ default: false }),
    specialCircumstance: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

const Time = Type.String({ description: 'ISO 8601' });

/** Why a permit is suspended (domain/suspend-cause.ts): typed, so clients need not parse the sentence. */
export const SuspendCauseSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('monitoring_lost'),
    cameraId: Type.String(),
    state: Type.String(),
    stateZh: Type.String(),
  }),
  Type.Object({ kind: Type.Literal('guardian_left') }),
  Type.Object({ kind: Type.Literal('gas_monitoring_overdue'), everyHours: Type.Number() }),
  Type.Object({
    kind: Type.Literal('host_suspended'),
    hostPermitId: Type.String(),
    hostNumber: Type.String(),
  }),
  Type.Object({ kind: Type.Literal('manual'), note: Type.String() }),
]);

export const PermitSchema = Type.Object({
  id: Type.String(),
  number: Type.String(),
  enterpriseId: Type.String(),
  siteId: Type.String(),
  kind: Type.String(),
  requestedLevel: Nullable(Type.String()),
  level: Nullable(Type.String()),
  escalatedBecause: Type.Array(Type.String()),
  location: Type.String(),
  description: Type.String(),
  validFrom: Time,
  validTo: Time,
  workers: Type.Array(
    Type.Object({ userId: Type.Integer(), username: Type.String(), certificateNo: Nullable(Type.String()) }),
  ),
  guardianUserId: Nullable(Type.Integer()),
  cameraIds: Type.Array(Type.String()),
  machineIds: Type.Array(Type.String()),
  lockIds: Type.Array(Type.String()),
  measures: Type.Array(
    Type.Object({ text: Type.String(), confirmedBy: Nullable(Type.String()), confirmedAt: Nullable(Time) }),
  ),
  linkedPermitIds: Type.Array(Type.String()),
  toxicRisk: Type.Boolean(),
  lelPct: Nullable(Type.Number()),
  workPoint: Nullable(Type.Object({ lat: Type.Number(), lon: Type.Number() })),
  state: Type.String(),
  signatures: Type.Array(
    Type.Object({
      role: Type.String(),
      userId: Type.Integer(),
      username: Type.String(),
      authority: Type.Optional(Type.String()),
      at: Time,
    }),
  ),
  startedAt: Nullable(Time),
  suspendedAt: Nullable(Time),
  suspendReason: Nullable(Type.String()),
  suspendCause: Nullable(SuspendCauseSchema),
  endedAt: Nullable(Time),
  createdAt: Time,
});

export const GasTestBody = Type.Object(
  {
    takenAt: Type.Optional(Type.String({ format: 'date-time' })),
    analyst: Type.String({ minLength: 1, maxLength: 64 }),
    o2Pct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    combustiblePct: Type.Number({ minimum: 0, maximum: 100 }),
    h2sPpm: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
    coPpm: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
  },
  { additionalProperties: false },
);

export const GasTestSchema = Type.Object({
  id: Type.Integer(),
  takenAt: Time,
  analyst: Type.String(),
  o2Pct: Nullable(Type.Number()),
  combustiblePct: Type.Number(),
  h2sPpm: Nullable(Type.Number()),
  coPpm: Nullable(Type.Number()),
  passed: Type.Boolean(),
  failures: Type.Array(Type.String()),
});

export const PermitDetailSchema = Type.Object({
  permit: PermitSchema,
  gasTests: Type.Array(GasTestSchema),
  history: Type.Array(
    Type.Object({
      action: Type.String(),
      from: Nullable(Type.String()),
      to: Type.String(),
      userId: Nullable(Type.Integer()),
      reason: Nullable(Type.String()),
      at: Time,
    }),
  ),
  gaps: Type.Array(
    Type.Object({
      cameraId: Type.String(),
      state: Type.String(),
      reason: Type.String(),
      startedAt: Time,
      endedAt: Nullable(Time),
    }),
  ),
  serverTime: Type.String({
    description: 'the service’s clock when this was read: countdowns (复测倒计时) run on it, not the phone’s',
  }),
});

export const ReasonBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export const GuardianBody = Type.Object(
  { guardian: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
export const AuthorityBody = Type.Object({ authority: AuthoritySchema }, { additionalProperties: false });
export const ListQuery = Type.Object(
  {
    state: Type.Optional(State),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);
