import Type from 'typebox';
import { CONTACT_ROLES, GAS_AREA_CLASSES, INDUSTRY_CLASSES, SCALES } from './classification.ts';

/** One of an object's keys (a code list of classification.ts), as a string enum. */
const codes = <T extends Record<string, unknown>>(o: T) =>
  Type.Unsafe<keyof T & string>(Type.String({ enum: Object.keys(o) }));
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
/**
 * A string (or code) that may be null, as one `type: [string, null]` schema rather than anyOf: the app's
 * AJV coerces types, and inside anyOf it would turn null into '' or false before trying the null branch.
 */
const Nullable = <T>(schema: { type: string } & Record<string, unknown>) =>
  Type.Unsafe<T | null>({
    ...schema,
    type: [schema.type, 'null'],
    ...(Array.isArray(schema.enum) ? { enum: [...(schema.enum as unknown[]), null] } : {}),
  });
const strict = { additionalProperties: false };

const ConfinedSpace = Type.Object(
  {
    name: Text(100),
    location: Text(200),
    medium: Type.String({ maxLength: 100, description: '介质 (煤气、氮气…)' }),
    hazards: Type.Array(Text(100), { maxItems: 20 }),
  },
  strict,
);
const GasArea = Type.Object(
  { name: Text(100), location: Type.String({ maxLength: 200 }), level: codes(GAS_AREA_CLASSES) },
  strict,
);
const Contact = Type.Object(
  {
    name: Text(50),
    role: codes(CONTACT_ROLES),
    phone: Type.String({ pattern: '^[0-9+][0-9 -]{4,19}$', description: '电话' }),
  },
  strict,
);

const IndustryClass = Nullable<keyof typeof INDUSTRY_CLASSES>({
  type: 'string',
  enum: Object.keys(INDUSTRY_CLASSES),
});
const Scale = Nullable<keyof typeof SCALES>({ type: 'string', enum: Object.keys(SCALES) });

/** The editable fields; every one optional (what is left out stays). */
export const RecordPatchBody = Type.Object(
  {
    version: Type.Optional(
      Type.Integer({ minimum: 0, description: 'the version read; a stale one is refused (409)' }),
    ),
    creditCode: Type.Optional(
      Nullable<string>({ type: 'string', maxLength: 18, description: '统一社会信用代码 (GB 32100-2015)' }),
    ),
    address: Type.Optional(Nullable<string>({ type: 'string', maxLength: 200 })),
    industryClass: Type.Optional(IndustryClass),
    scale: Type.Optional(Scale),
    aboveDesignatedSize: Type.Optional(
      Nullable<boolean>({ type: 'boolean', description: '规模以上工业企业' }),
    ),
    mainHazards: Type.Optional(Type.Array(Text(100), { maxItems: 50 })),
    confinedSpaces: Type.Optional(Type.Array(ConfinedSpace, { maxItems: 200 })),
    gasAreas: Type.Optional(Type.Array(GasArea, { maxItems: 200 })),
    contacts: Type.Optional(Type.Array(Contact, { maxItems: 50 })),
  },
  strict,
);

export const RecordSchema = Type.Object({
  enterpriseId: Type.String(),
  name: Type.String(),
  regionId: Type.String(),
  regionName: Type.String(),
  industry: Type.String(),
  creditCode: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  industryClass: IndustryClass,
  scale: Scale,
  aboveDesignatedSize: Type.Union([Type.Boolean(), Type.Null()]),
  mainHazards: Type.Array(Type.String()),
  confinedSpaces: Type.Array(ConfinedSpace),
  gasAreas: Type.Array(GasArea),
  contacts: Type.Array(Contact),
  version: Type.Integer(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});

const GradeCode = Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C'), Type.Literal('D')]);

export const OverrideBody = Type.Object(
  {
    grade: Type.Union([GradeCode, Type.Null()], { description: 'null withdraws the override 撤销调整' }),
    reason: Type.String({ minLength: 4, maxLength: 500, description: '调整理由' }),
  },
  strict,
);

const OverrideSchema = Type.Object({
  id: Type.Integer(),
  enterpriseId: Type.String(),
  computedGrade: GradeCode,
  grade: Type.Union([GradeCode, Type.Null()]),
  reason: Type.String(),
  by: Type.String(),
  at: Type.String(),
});

export const GradeSchema = Type.Object({
  enterpriseId: Type.String(),
  enterprise: Type.String(),
  grade: GradeCode,
  colorZh: Type.String(),
  color: Type.String(),
  facts: Type.Object({
    overdueMajor: Type.Integer(),
    openMajor: Type.Integer(),
    overdueGeneral: Type.Integer(),
    openGeneral: Type.Integer(),
    unwatchedMs: Type.Number(),
    workMs: Type.Number(),
    violations: Type.Integer(),
    penalties: Type.Integer(),
  }),
  computed: Type.Object({
    grade: GradeCode,
    scoreGrade: GradeCode,
    score: Type.Number(),
    violationRate: Type.Number(),
    reasons: Type.Array(
      Type.Object({ code: Type.String(), floor: GradeCode, zh: Type.String(), en: Type.String() }),
    ),
  }),
  override: Type.Union([OverrideSchema, Type.Null()]),
  history: Type.Array(OverrideSchema),
});

export const CodeListsSchema = Type.Record(
  Type.String(),
  Type.Record(Type.String(), Type.Object({ zh: Type.String(), en: Type.String() })),
);
