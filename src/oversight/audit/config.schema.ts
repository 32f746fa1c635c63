import Type, { type Static } from 'typebox';

/**
 * Audit settings: how often the chain head is signed, how the permit-to-video audit judges coverage,
 * and how often the closed loop looks for overdue hazards.
 */
export const AuditConfigSchema = Type.Object(
  {
    checkpointEveryMinutes: Type.Integer({
      minimum: 1,
      maximum: 1440,
      default: 10,
      description: 'sign the chain head this often (only when new entries arrived)',
    }),
    coverage: Type.Object(
      {
        require: Type.Union([Type.Literal('any'), Type.Literal('all')], {
          default: 'any',
          description: 'a moment counts as monitored when any (or all) bound cameras are live',
        }),
        maxGapSeconds: Type.Integer({
          minimum: 0,
          default: 300,
          description: 'a single gap longer than this makes the verdict "work without monitoring"',
        }),
        minCoveragePct: Type.Number({
          minimum: 0,
          maximum: 100,
          default: 90,
          description: 'coverage below this makes the verdict "work without monitoring"',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    hazardOverdueCheckSeconds: Type.Integer({ minimum: 5, maximum: 86400, default: 60 }),
  },
  { additionalProperties: false, default: {} },
);

export type AuditConfig = Static<typeof AuditConfigSchema>;
