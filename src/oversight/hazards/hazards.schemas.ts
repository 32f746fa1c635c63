import Type from 'typebox';
import { HAZARD_STATES, STAGES } from './hazard.machine.ts';

const lit = <T extends readonly string[]>(xs: T) => Type.Union(xs.map((x) => Type.Literal(x)));
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const IsoTime = Type.String({ format: 'date-time' });
export const Level = lit(['general', 'major'] as const);
export const Reason = Type.String({
  minLength: 1,
  maxLength: 500,
  description: 'why (recorded with the step)',
});
const Photos = (min: number) =>
  Type.Array(Type.String({ minLength: 8, maxLength: 1_400_000, description: 'base64 JPEG or PNG' }), {
    minItems: min,
    maxItems: 6,
  });

export const FiveSchema = Type.Object(
  {
    measures: Type.Optional(Text(2000)),
    responsiblePerson: Type.Optional(Text(100)),
    funds: Type.Optional(Type.Number({ minimum: 0, description: 'yuan 元' })),
    deadline: Type.Optional(IsoTime),
    contingencyPlan: Type.Optional(Text(2000)),
  },
  { additionalProperties: false, description: '五到位 (required before a major hazard is dispatched)' },
);

export const RegisterBody = Type.Object(
  {
    enterpriseId: Type.String({ minLength: 1, maxLength: 64 }),
    siteId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    source: lit(['violation', 'inspection'] as const),
    violationId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    stage: lit(STAGES),
    checker: Text(100),
    supervisingUnit: Type.Optional(Text(200)),
    description: Text(2000),
    location: Type.Optional(Text(200)),
    basis: Type.Optional(Text(1000)),
    hazardType: Text(100),
    foundAt: Type.Optional(IsoTime),
    penaltyYuan: Type.Optional(Type.Number({ minimum: 0, maximum: 1e9 })),
    penaltyNote: Type.Optional(Text(500)),
    photos: Type.Optional(Photos(0)),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);

export const AssessBody = Type.Object(
  { level: Level, five: Type.Optional(FiveSchema), reason: Reason },
  { additionalProperties: false },
);
export const DispatchBody = Type.Object(
  {
    responsibleUserId: Type.Integer({ minimum: 1 }),
    deadline: Type.Optional(IsoTime),
    five: Type.Optional(FiveSchema),
    reason: Reason,
  },
  { additionalProperties: false },
);
export const RectifyBody = Type.Object(
  { photos: Photos(1), reason: Reason },
  { additionalProperties: false },
);
export const VerifyBody = Type.Object(
  { passed: Type.Boolean(), reason: Reason },
  { additionalProperties: false },
);
export const CloseBody = Type.Object({ reason: Reason }, { additionalProperties: false });

export const ListQuery = Type.Object(
  {
    enterprise: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    state: Type.Optional(lit(HAZARD_STATES)),
    level: Type.Optional(Level),
    stage: Type.Optional(lit(STAGES)),
    responsible: Type.Optional(
      Type.Literal('me', { description: 'only the hazards dispatched to me 我的整改' }),
    ),
    from: Type.Optional(IsoTime),
    to: Type.Optional(IsoTime),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const HazardSchema = Type.Object({
  id: Type.Integer(),
  enterpriseId: Type.String(),
  siteId: Nullable(Type.String()),
  source: Type.String(),
  violationId: Nullable(Type.String()),
  stage: Type.String(),
  checker: Type.String(),
  supervisingUnit: Nullable(Type.String()),
  description: Type.String(),
  location: Nullable(Type.String()),
  basis: Nullable(Type.String()),
  hazardType: Type.String(),
  level: Nullable(Type.String()),
  state: Type.String(),
  responsibleUserId: Nullable(Type.Integer()),
  deadline: Nullable(Type.String()),
  five: Nullable(Type.Record(Type.String(), Type.Unknown())),
  penaltyYuan: Type.Number(),
  penaltyNote: Nullable(Type.String()),
  foundAt: Type.String(),
  registeredBy: Type.Integer(),
  rectifiedBy: Nullable(Type.Integer()),
  rectifiedAt: Nullable(Type.String()),
  verifiedBy: Nullable(Type.Integer()),
  verifiedAt: Nullable(Type.String()),
  closedAt: Nullable(Type.String()),
  overdueLevel: Type.Integer(),
  updatedAt: Type.String(),
  version: Type.Integer(),
});

export const HazardDetailSchema = Type.Intersect([
  HazardSchema,
  Type.Object({
    transitions: Type.Array(
      Type.Object({
        id: Type.Integer(),
        action: Type.String(),
        fromState: Nullable(Type.String()),
        toState: Type.String(),
        actorUserId: Nullable(Type.Integer()),
        actorName: Type.String(),
        actorRole: Type.String(),
        at: Type.String(),
        reason: Type.String(),
        data: Nullable(Type.Record(Type.String(), Type.Unknown())),
      }),
    ),
    photos: Type.Array(
      Type.Object({
        id: Type.Integer(),
        kind: Type.String(),
        path: Type.String(),
        sha256: Type.String(),
        bytes: Type.Integer(),
        mime: Type.String(),
        at: Type.String(),
      }),
    ),
  }),
]);
