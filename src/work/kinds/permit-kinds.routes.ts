import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { KINDS } from './index.ts';

const Name = Type.Object({ zh: Type.String(), en: Type.String() });
const Authority = Type.Union([Type.Literal('unit'), Type.Literal('safety_dept'), Type.Literal('leader')]);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const LevelRules = {
  maxValidityHours: Type.Number({ description: '最长有效期 longest work window, hours' }),
  authority: Authority,
  retestAfterBreakMinutes: Type.Number(),
  videoRequired: Type.Boolean({ description: '无监控不作业: a live camera is required' }),
};

export const PermitKindSchema = Type.Object({
  id: Type.String(),
  numberPrefix: Type.String(),
  name: Name,
  shortName: Name,
  levels: Type.Array(Type.Object({ id: Type.String(), name: Name, ...LevelRules })),
  ungraded: Nullable(Type.Object(LevelRules)),
  escalatesOn: Type.Array(Type.String()),
  toxicRiskAuthority: Nullable(Authority),
  guardianRequired: Type.Boolean(),
  certificates: Type.Array(Type.String(), { description: '特种作业操作证 categories' }),
  gas: Type.Object({
    mustMeasure: Type.Array(Type.String()),
    requiredBeforeStart: Type.Union([
      Type.Literal('always'),
      Type.Literal('hazardous_media'),
      Type.Literal('never'),
    ]),
    freshMinutes: Type.Number(),
    continuousMinutes: Nullable(Type.Number()),
    limits: Type.Object({
      o2MinPct: Type.Number(),
      o2MaxPct: Type.Number(),
      combustibleHighLelPct: Type.Number(),
      combustibleLowLelPct: Type.Number(),
      h2sMaxPpm: Type.Number(),
      coMaxPpm: Type.Number(),
    }),
    exposure: Nullable(
      Type.Object({
        gas: Type.String(),
        bands: Type.Array(
          Type.Object({ maxPpm: Type.Number(), maxContinuousMinutes: Nullable(Type.Number()) }),
        ),
        restBetweenEntriesMinutes: Type.Number(),
      }),
    ),
  }),
  measuresChecklist: Type.Array(Name, { description: '安全措施 the standard measures of the kind’s form' }),
  enclosesLinkedWork: Type.Boolean({ description: 'linked work of other kinds happens inside this one' }),
  allowsOpenFlame: Type.Boolean(),
});

/**
 * `GET /api/permit-kinds`: the registered kinds with their Chinese and English names, levels and the
 * facts a permit form needs (validity, authority, video, guardian, certificates, gas, the 安全措施
 * checklist), so the browser pages label and check permits from the same facts the service decides on. It holds
 * no tenant data, so any signed-in user may read it.
 */
export const permitKindsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/permit-kinds',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['permits'],
        summary: 'Kinds of work, their levels and rules 作业类型、级别与规则',
        response: { 200: Type.Array(PermitKindSchema), 401: ErrorSchema },
      },
    },
    async () => KINDS.summaries(),
  );
};
