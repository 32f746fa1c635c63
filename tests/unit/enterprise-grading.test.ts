import { describe, expect, it } from 'vitest';
import {
  computeGrade,
  gradeReasons,
  violationRate,
  type GradingFacts,
} from '../../src/oversight/enterprises/grading.ts';

const HOUR = 3_600_000;
const clean: GradingFacts = {
  overdueMajor: 0,
  openMajor: 0,
  overdueGeneral: 0,
  openGeneral: 0,
  unwatchedMs: 0,
  workMs: 100 * HOUR,
  violations: 0,
  penalties: 0,
};
const score = (grade: 'A' | 'B' | 'C' | 'D') => ({ grade, score: 0 });
const gradeOf = (f: Partial<GradingFacts>, s: 'A' | 'B' | 'C' | 'D' = 'D') =>
  computeGrade({ ...clean, ...f }, score(s)).grade;

describe('enterprise grading criteria (docs/enterprise-grading.md)', () => {
  it('a clean enterprise keeps its risk-score grade', () => {
    expect(gradeOf({})).toBe('D');
    expect(gradeOf({}, 'B')).toBe('B');
    expect(computeGrade(clean, score('D')).reasons).toEqual([]);
  });

  it('A: an overdue major hazard, or an hour of work without live video', () => {
    expect(gradeOf({ overdueMajor: 1, openMajor: 1 })).toBe('A');
    expect(gradeOf({ unwatchedMs: 60 * 60_000 })).toBe('A');
    expect(gradeOf({ unwatchedMs: 59 * 60_000 })).toBe('B');
  });

  it('B: an open major hazard, an overdue general one, a penalty, any unwatched work, ≥ 0.5 violations per permit-hour', () => {
    expect(gradeOf({ openMajor: 1 })).toBe('B');
    expect(gradeOf({ overdueGeneral: 1, openGeneral: 1 })).toBe('B');
    expect(gradeOf({ penalties: 1 })).toBe('B');
    expect(gradeOf({ unwatchedMs: 1000 })).toBe('B');
    expect(gradeOf({ violations: 50 })).toBe('B'); // 50 in 100 h = 0.5/h
  });

  it('C: an open general hazard, or ≥ 0.1 violations per permit-hour', () => {
    expect(gradeOf({ openGeneral: 1 })).toBe('C');
    expect(gradeOf({ violations: 10 })).toBe('C');
    expect(gradeOf({ violations: 9 })).toBe('D');
  });

  it('never makes the risk score grade better', () => {
    expect(gradeOf({ openGeneral: 1 }, 'A')).toBe('A');
  });

  it('counts work under an hour as one hour, so no work is not a division by zero', () => {
    expect(violationRate({ violations: 3, workMs: 0 })).toBe(3);
    expect(violationRate({ violations: 3, workMs: 30 * 60_000 })).toBe(3);
    expect(violationRate({ violations: 3, workMs: 6 * HOUR })).toBe(0.5);
  });

  it('lists the reasons worst first, in both languages', () => {
    const r = gradeReasons({ ...clean, openGeneral: 2, overdueMajor: 1, openMajor: 1 });
    expect(r.map((x) => [x.code, x.floor])).toEqual([
      ['overdue_major', 'A'],
      ['open_major', 'B'],
      ['open_general', 'C'],
    ]);
    expect(r[0]!.zh).toBe('重大事故隐患逾期未整改 1 项');
    expect(r[0]!.en).toBe('1 major hazard(s) overdue');
  });
});
