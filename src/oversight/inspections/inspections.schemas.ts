import Type from 'typebox';
import { INSPECTION_STAGES } from './inspections.service.ts';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Nullable = <T extends ReturnType<typeof Text>>(t: T) => Type.Union([t, Type.Null()]);
const Stage = Type.Union(
  INSPECTION_STAGES.map((s) => Type.Literal(s)),
  {
    description: '检查环节: county_check 市县检查 | cross_check 交叉检查 | province_check 省级督查',
  },
);

const fields = {
  inspectors: Type.Array(Text(50), { minItems: 1, maxItems: 20, description: '检查人员 names' }),
  inspectedAt: Type.String({ format: 'date-time', description: '检查时间 (not in the future)' }),
  stage: Stage,
  checkingUnit: Text(200),
  penaltyText: Type.Optional(Nullable(Text(1000))),
  penaltyWanYuan: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 100_000,
      description: '罚款 in 万元, up to 4 decimals (to the yuan)',
    }),
  ),
  supervised: Type.Optional(Type.Boolean({ description: '挂牌督办' })),
  supervisingUnit: Type.Optional(Nullable(Text(200))),
  note: Type.Optional(Nullable(Text(2000))),
};

export const FindingBody = Type.Object(
  {
    description: Text(2000),
    hazardType: Text(100),
    location: Type.Optional(Text(200)),
    basis: Type.Optional(Text(500)),
    siteId: Type.Optional(Text(64)),
    photos: Type.Optional(
      Type.Array(Type.String({ minLength: 8, maxLength: 1_400_000, description: 'base64 JPEG or PNG' }), {
        maxItems: 6,
      }),
    ),
  },
  { additionalProperties: false, description: 'a finding: registered as a hazard in the enterprise' },
);

export const CreateBody = Type.Object(
  {
    enterpriseId: Text(64),
    ...fields,
    findings: Type.Optional(Type.Array(FindingBody, { maxItems: 20 })),
  },
  { additionalProperties: false },
);

export const PatchBody = Type.Object(
  {
    inspectors: Type.Optional(fields.inspectors),
    inspectedAt: Type.Optional(fields.inspectedAt),
    stage: Type.Optional(Stage),
    checkingUnit: Type.Optional(fields.checkingUnit),
    penaltyText: fields.penaltyText,
    penaltyWanYuan: fields.penaltyWanYuan,
    supervised: fields.supervised,
    supervisingUnit: fields.supervisingUnit,
    note: fields.note,
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'the version read; 409 if it moved' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const InspectionSchema = Type.Object({
  id: Type.Integer(),
  enterpriseId: Type.String(),
  inspectors: Type.Array(Type.String()),
  inspectedAt: Type.String(),
  stage: Type.String(),
  checkingUnit: Type.String(),
  penaltyText: Type.Union([Type.String(), Type.Null()]),
  penaltyWanYuan: Type.Number(),
  supervised: Type.Boolean(),
  supervisingUnit: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
  findings: Type.Array(
    Type.Object({
      id: Type.Integer(),
      description: Type.String(),
      hazardType: Type.String(),
      state: Type.String({ description: 'the hazard’s state in the closed loop' }),
      level: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const ListQuery = Type.Object(
  {
    enterprise: Type.Optional(Text(64)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
