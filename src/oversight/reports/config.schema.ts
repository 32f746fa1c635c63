import Type, { type Static } from 'typebox';

/**
 * Enterprise risk grade (A red / B orange / C yellow / D blue), a documented and configurable formula:
 *
 *   score = openMajor × w.openMajor + openGeneral × w.openGeneral + overdue × w.overdue
 *         + violations(last windowDays) × w.violation + (100 − coverage%) × w.uncoveredPct
 *
 *   grade = A when score ≥ thresholds.A, B when ≥ thresholds.B, C when ≥ thresholds.C, else D;
 *   any open major hazard makes the grade at least `majorFloor` (a 重大事故隐患 is never "blue").
 *
 * coverage% is the time-weighted monitoring coverage of the enterprise's permits in the window
 * (100 when it had no permits with work).
 */
export const ReportsConfigSchema = Type.Object(
  {
    riskGrade: Type.Object(
      {
        windowDays: Type.Integer({ minimum: 1, maximum: 366, default: 30 }),
        weights: Type.Object(
          {
            openMajor: Type.Number({ minimum: 0, default: 30 }),
            openGeneral: Type.Number({ minimum: 0, default: 3 }),
            overdue: Type.Number({ minimum: 0, default: 5 }),
            violation: Type.Number({ minimum: 0, default: 1 }),
            uncoveredPct: Type.Number({ minimum: 0, default: 0.5 }),
          },
          { additionalProperties: false, default: {} },
        ),
        thresholds: Type.Object(
          {
            A: Type.Number({ minimum: 0, default: 60 }),
            B: Type.Number({ minimum: 0, default: 30 }),
            C: Type.Number({ minimum: 0, default: 10 }),
          },
          { additionalProperties: false, default: {} },
        ),
        majorFloor: Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C'), Type.Literal('D')], {
          default: 'B',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type ReportsConfig = Static<typeof ReportsConfigSchema>;
