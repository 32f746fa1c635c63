import Type, { type Static } from 'typebox';

const strict = { additionalProperties: false } as const;

/** Permits, 一机一码 scan, chips and locks (owned by src/work/permits, src/work/machines, src/work/locks). */
export const PermitsConfigSchema = Type.Object(
  {
    night: Type.Object(
      {
        startHour: Type.Integer({ minimum: 0, maximum: 23, default: 20 }),
        endHour: Type.Integer({ minimum: 0, maximum: 23, default: 6 }),
        utcOffsetMinutes: Type.Integer({ minimum: -720, maximum: 840, default: 480 }),
      },
      { ...strict, default: {}, description: '夜间 raises hot work one level' },
    ),
    expirySweepSeconds: Type.Number({ minimum: 1, maximum: 3600, default: 15 }),
    startupGraceSeconds: Type.Number({
      minimum: 0,
      maximum: 3600,
      default: 60,
      description:
        'after start, how long ingest has to report before the sweep suspends unmonitored active permits',
    }),
    scan: Type.Object(
      {
        maxDistanceM: Type.Number({ minimum: 1, maximum: 10_000, default: 50 }),
        maxAccuracyM: Type.Number({ minimum: 1, maximum: 10_000, default: 100 }),
        accuracyAllowanceMaxM: Type.Number({
          minimum: 0,
          maximum: 1000,
          default: 15,
          description:
            'at most this much of the phone-declared GPS accuracy widens maxDistanceM: the accuracy is the sender’s own claim',
        }),
        authorisationTtlSeconds: Type.Integer({ minimum: 10, maximum: 3600, default: 120 }),
        clockSkewSeconds: Type.Integer({ minimum: 5, maximum: 3600, default: 120 }),
        qrMaxAgeDays: Type.Integer({ minimum: 1, maximum: 3650, default: 400 }),
        certificateWarnDays: Type.Integer({ minimum: 1, maximum: 365, default: 30 }),
      },
      { ...strict, default: {} },
    ),
    chips: Type.Object(
      {
        topicPrefix: Type.String({ pattern: '^[A-Za-z0-9_-]+$', default: 'jianhu' }),
        currentThresholdA: Type.Number({ minimum: 0, default: 5, description: 'above this, the arc is on' }),
        violationRepeatSeconds: Type.Integer({ minimum: 1, default: 60 }),
      },
      { ...strict, default: {} },
    ),
    locks: Type.Object(
      {
        grantTtlSeconds: Type.Integer({ minimum: 10, maximum: 3600, default: 120 }),
      },
      { ...strict, default: {} },
    ),
  },
  { ...strict, default: {} },
);

export type PermitsConfig = Static<typeof PermitsConfigSchema>;
