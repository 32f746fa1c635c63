import Type, { type Static } from 'typebox';

/**
 * Rule parameters. Every field is optional here and the safe defaults live in code (`defaults.ts`),
 * so a site or a camera overrides only the fields it names (global → site → camera, field by field).
 */
const strict = { additionalProperties: false } as const;
const Sev = Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')]);

const common = {
  enabled: Type.Optional(Type.Boolean()),
  severity: Type.Optional(Sev),
  minHits: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 120, description: 'inertia: frames that must show it…' }),
  ),
  window: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, description: '…out of the last N frames' })),
  dwellSeconds: Type.Optional(
    Type.Number({ minimum: 0, maximum: 3600, description: 'it must last this long before it is raised' }),
  ),
  clearSeconds: Type.Optional(
    Type.Number({ minimum: 0, maximum: 3600, description: 'unseen this long → the violation ends' }),
  ),
  cooldownSeconds: Type.Optional(
    Type.Number({ minimum: 0, maximum: 86400, description: 'no new one for the same subject this long' }),
  ),
};

const rule = (extra: Record<string, ReturnType<typeof Type.Optional>> = {}) =>
  Type.Object({ ...common, ...extra }, strict);

export const RulesConfigSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'all rules on this scope' })),
    noHelmet: Type.Optional(rule()),
    noVest: Type.Optional(rule()),
    phoneUse: Type.Optional(rule()),
    smoking: Type.Optional(rule()),
    dangerZone: Type.Optional(rule()),
    personDown: Type.Optional(
      rule({
        aspectMin: Type.Optional(
          Type.Number({ minimum: 0.5, maximum: 10, description: 'box width / height at or above = lying' }),
        ),
      }),
    ),
    guardianAbsent: Type.Optional(rule()),
    crowding: Type.Optional(
      rule({
        maxPeople: Type.Optional(
          Type.Integer({ minimum: 1, maximum: 200, description: 'more than this = crowd' }),
        ),
      }),
    ),
    hotWork: Type.Optional(
      rule({ minScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'fire score' })) }),
    ),
  },
  { ...strict, default: {} },
);

export type RulesConfig = Static<typeof RulesConfigSchema>;
