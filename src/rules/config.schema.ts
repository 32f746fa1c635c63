import Type from 'typebox';

/** Rule parameters with safe defaults; per site and per camera they may be partly overridden. */
export const RulesConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
  },
  { additionalProperties: false, default: {} },
);
