import type { ReportsConfig } from './config.schema.ts';

/** The inputs of an enterprise's risk grade (see the formula in config.schema.ts). */
export interface RiskInputs {
  openMajor: number;
  openGeneral: number;
  overdue: number;
  violations: number;
  /** time-weighted monitoring coverage of the enterprise's permits, 0..100 (100 when no work) */
  coveragePct: number;
}

export type Grade = 'A' | 'B' | 'C' | 'D';
export const GRADE_COLOR: Record<Grade, { zh: string; en: string; hex: string }> = {
  A: { zh: '红', en: 'red', hex: '#d32f2f' },
  B: { zh: '橙', en: 'orange', hex: '#f57c00' },
  C: { zh: '黄', en: 'yellow', hex: '#fbc02d' },
  D: { zh: '蓝', en: 'blue', hex: '#1976d2' },
};

export interface RiskGrade {
  score: number;
  grade: Grade;
  color: string;
  colorZh: string;
  /** each term of the sum, so the grade can be explained */
  terms: Record<keyof RiskInputs, number>;
}

const ORDER: Grade[] = ['A', 'B', 'C', 'D'];

export function riskGrade(x: RiskInputs, cfg: ReportsConfig['riskGrade']): RiskGrade {
  const w = cfg.weights;
  const terms = {
    openMajor: x.openMajor * w.openMajor,
    openGeneral: x.openGeneral * w.openGeneral,
    overdue: x.overdue * w.overdue,
    violations: x.violations * w.violation,
    coveragePct: Math.max(0, 100 - x.coveragePct) * w.uncoveredPct,
  };
  const score = Math.round(Object.values(terms).reduce((a, b) => a + b, 0) * 100) / 100;
  const t = cfg.thresholds;
  let grade: Grade = score >= t.A ? 'A' : score >= t.B ? 'B' : score >= t.C ? 'C' : 'D';
  // An open 重大事故隐患 keeps the grade at least at majorFloor.
  if (x.openMajor > 0 && ORDER.indexOf(grade) > ORDER.indexOf(cfg.majorFloor)) grade = cfg.majorFloor;
  return { score, grade, color: GRADE_COLOR[grade].en, colorZh: GRADE_COLOR[grade].zh, terms };
}
