import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { HAZARD_STATES, STAGE_NAMES, STAGES } from './hazard.machine.ts';
import { HAZARD_TYPES } from './hazard-types.ts';

const Named = Type.Object({ code: Type.String(), zh: Type.String(), en: Type.String() });
const STATE_NAMES: Record<(typeof HAZARD_STATES)[number], [string, string]> = {
  registered: ['已登记', 'Registered'],
  assessed: ['已评估', 'Assessed'],
  dispatched: ['整改中', 'Dispatched'],
  rectified: ['待复核', 'Rectified'],
  verified: ['已复核', 'Verified'],
  closed: ['已销号', 'Closed'],
};

/**
 * What the hazard screens need beside the hazards: the names of states, 检查环节 and 隐患类型 (one
 * source, the same as the forms), and the people a hazard may be dispatched to.
 */
export const hazardCatalogueRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const tags = ['hazards'];
  const catalogue = {
    states: HAZARD_STATES.map((code) => ({ code, zh: STATE_NAMES[code][0], en: STATE_NAMES[code][1] })),
    stages: STAGES.map((code) => ({ code, ...STAGE_NAMES[code] })),
    types: Object.entries(HAZARD_TYPES).map(([code, n]) => ({ code, zh: n.zh, en: n.en })),
  };
  app.get(
    '/api/hazard-catalogue',
    {
      config: { permission: 'hazard:read' },
      schema: {
        tags,
        summary: 'Hazard states, stages and types with names 隐患状态、检查环节、隐患类型',
        description: '`hazardType` accepts these codes (shown by name) or free text (shown as written).',
        response: {
          200: Type.Object({
            states: Type.Array(Named),
            stages: Type.Array(Named),
            types: Type.Array(Named),
          }),
          403: ErrorSchema,
        },
      },
    },
    async () => catalogue,
  );
  app.get(
    '/api/hazard-people',
    {
      config: { permission: 'hazard:read' },
      schema: {
        tags,
        summary: 'Who hazards may be dispatched to 可指派的整改责任人',
        description: 'Active users of my enterprises whose role reads hazards (a regulator is never one).',
        response: {
          200: Type.Array(
            Type.Object({
              userId: Type.Integer(),
              displayName: Type.String(),
              role: Type.String(),
              enterpriseId: Type.String(),
            }),
          ),
          403: ErrorSchema,
        },
      },
    },
    async (req) => services.oversight.hazards.responsibles(principalOf(req).scope),
  );
};
