import type { Grade } from '../reports/risk-grade.ts';

/**
 * The enterprise's 分级 grade, A (red, most watched) … D (blue): the worse of the configured risk score's
 * grade (src/oversight/reports/risk-grade.ts, config `reports.riskGrade`) and the floors below. The
 * floors are this project's own criteria (docs/enterprise-grading.md), written so each grade can be
 * explained with the facts that caused it. Pure: the inputs are counted by grading.service.ts.
 */
export interface GradingFacts {
  /** open 重大事故隐患 past their rectification deadline */
  overdueMajor: number;
  /** open 重大事故隐患 (overdue or not) */
  openMajor: number;
  /** open general hazards past their deadline */
  overdueGeneral: number;
  /** open general (or not yet assessed) hazards */
  openGeneral: number;
  /** permitted work time without live video in the window (无监控作业), milliseconds */
  unwatchedMs: number;
  /** permitted work time in the window, milliseconds */
  workMs: number;
  /** violations (AI 三违, machine and lock) in the window */
  violations: number;
  /** hazards found in the window that carry a penalty (行政处罚) */
  penalties: number;
}

/** The floors (our criteria): the grade is at least this bad when the fact holds. */
export const GRADING_CRITERIA = {
  /** ≥ 1 overdue major hazard, or ≥ 60 min of unwatched permitted work → A */
  unwatchedMinutesForA: 60,
  /** violations per permit-hour at or above this → B; at or above `violationRateC` → C */
  violationRateB: 0.5,
  violationRateC: 0.1,
} as const;

export interface GradeReason {
  code: string;
  floor: Grade;
  zh: string;
  en: string;
}

export interface ComputedGrade {
  grade: Grade;
  /** the risk score's grade before the floors */
  scoreGrade: Grade;
  score: number;
  /** violations per permit-hour (work under one hour counts as one hour) */
  violationRate: number;
  reasons: GradeReason[];
}

const ORDER: Grade[] = ['A', 'B', 'C', 'D'];
export const worse = (a: Grade, b: Grade): Grade => (ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b);

export function violationRate(f: Pick<GradingFacts, 'violations' | 'workMs'>): number {
  const hours = Math.max(1, f.workMs / 3_600_000);
  return Math.round((f.violations / hours) * 1000) / 1000;
}

/** Which floors the facts reach, worst first. */
export function gradeReasons(f: GradingFacts): GradeReason[] {
  const c = GRADING_CRITERIA;
  const rate = violationRate(f);
  const unwatchedMin = Math.floor(f.unwatchedMs / 60_000);
  const out: GradeReason[] = [];
  const add = (code: string, floor: Grade, zh: string, en: string) => out.push({ code, floor, zh, en });
  if (f.overdueMajor > 0)
    add(
      'overdue_major',
      'A',
      `重大事故隐患逾期未整改 ${f.overdueMajor} 项`,
      `${f.overdueMajor} major hazard(s) overdue`,
    );
  if (unwatchedMin >= c.unwatchedMinutesForA)
    add(
      'unwatched_work',
      'A',
      `无监控作业 ${unwatchedMin} 分钟`,
      `${unwatchedMin} min of work without live video`,
    );
  else if (f.unwatchedMs > 0)
    add(
      'unwatched_work',
      'B',
      `无监控作业 ${unwatchedMin} 分钟`,
      `${unwatchedMin} min of work without live video`,
    );
  if (f.openMajor > 0)
    add('open_major', 'B', `存在未销号重大事故隐患 ${f.openMajor} 项`, `${f.openMajor} open major hazard(s)`);
  if (f.overdueGeneral > 0)
    add(
      'overdue_general',
      'B',
      `一般隐患逾期 ${f.overdueGeneral} 项`,
      `${f.overdueGeneral} general hazard(s) overdue`,
    );
  if (f.penalties > 0)
    add('penalty', 'B', `期间受行政处罚 ${f.penalties} 次`, `${f.penalties} penalty(ies) in the window`);
  if (rate >= c.violationRateB)
    add('violation_rate', 'B', `违章 ${rate} 次/作业小时`, `${rate} violations per permit-hour`);
  else if (rate >= c.violationRateC)
    add('violation_rate', 'C', `违章 ${rate} 次/作业小时`, `${rate} violations per permit-hour`);
  if (f.openGeneral > 0)
    add(
      'open_general',
      'C',
      `存在未销号一般隐患 ${f.openGeneral} 项`,
      `${f.openGeneral} open general hazard(s)`,
    );
  return out.sort((a, b) => ORDER.indexOf(a.floor) - ORDER.indexOf(b.floor));
}

/** The grade: the risk score's grade, raised to the worst floor the facts reach. */
export function computeGrade(f: GradingFacts, score: { grade: Grade; score: number }): ComputedGrade {
  const reasons = gradeReasons(f);
  const grade = reasons.reduce<Grade>((g, r) => worse(g, r.floor), score.grade);
  return { grade, scoreGrade: score.grade, score: score.score, violationRate: violationRate(f), reasons };
}
