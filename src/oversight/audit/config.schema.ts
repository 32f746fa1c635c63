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
    signingKeyFile: Type.String({
      default: '',
      maxLength: 4096,
      description:
        'Ed25519 private key that signs checkpoints (created 0600 on first start); empty: <dataDir>/audit/checkpoint-ed25519.key, with a warning — keep it off the data disk. The env variable JIANHU_AUDIT_SIGNING_KEY (a PEM) takes precedence and is never written',
    }),
    anchorFile: Type.String({
      default: '',
      maxLength: 4096,
      description:
        'append-only file that receives every checkpoint head outside the database (audit verify --anchor); empty: <dataDir>/audit/anchor.jsonl, with a warning — put it where whoever can rewrite the data folder cannot',
    }),
    anchorMqtt: Type.Boolean({
      default: true,
      description: 'also publish every checkpoint head on MQTT topic jianhu/audit/checkpoint (for the hub)',
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
