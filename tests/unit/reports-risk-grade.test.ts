import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { ReportsConfigSchema, type ReportsConfig } from '../../src/oversight/reports/config.schema.ts';
import { riskGrade } from '../../src/oversight/reports/risk-grade.ts';
import { toCsv } from '../../src/oversight/reports/table.ts';

const cfg = (Value.Default(ReportsConfigSchema, {}) as ReportsConfig).riskGrade;
const zero = { openMajor: 0, openGeneral: 0, overdue: 0, violations: 0, coveragePct: 100 };

describe('risk grade', () => {
  it('uses the documented defaults', () => {
    expect(cfg).toMatchObject({
      weights: { openMajor: 30, openGeneral: 3, overdue: 5, violation: 1, uncoveredPct: 0.5 },
      thresholds: { A: 60, B: 30, C: 10 },
      majorFloor: 'B',
    });
  });

  it('sums the weighted terms and maps thresholds to A red … D blue', () => {
    expect(riskGrade(zero, cfg)).toMatchObject({ score: 0, grade: 'D', color: 'blue' });
    expect(riskGrade({ ...zero, violations: 10 }, cfg)).toMatchObject({
      score: 10,
      grade: 'C',
      colorZh: '黄',
    });
    const r = riskGrade({ ...zero, openGeneral: 5, overdue: 2, violations: 3, coveragePct: 80 }, cfg);
    // 15 + 10 + 3 + 20 × 0.5 = 38
    expect(r).toMatchObject({ score: 38, grade: 'B', color: 'orange' });
    expect(r.terms).toEqual({ openMajor: 0, openGeneral: 15, overdue: 10, violations: 3, coveragePct: 10 });
    expect(riskGrade({ ...zero, openMajor: 2 }, cfg)).toMatchObject({ score: 60, grade: 'A', color: 'red' });
  });

  it('keeps an enterprise with an open major hazard at least at the floor grade', () => {
    const low = { ...cfg, weights: { ...cfg.weights, openMajor: 1 } };
    expect(riskGrade({ ...zero, openMajor: 1 }, low).grade).toBe('B');
    expect(riskGrade({ ...zero, openMajor: 1 }, { ...low, majorFloor: 'D' }).grade).toBe('D');
  });
});

describe('CSV', () => {
  it('starts with a BOM, quotes per RFC 4180 and defuses formulas', () => {
    const csv = toCsv({
      title: 't',
      sheetName: 's',
      headers: ['名称', '数'],
      rows: [
        ['甲, "乙"', -5],
        ['=cmd|calc', null],
        ['多\n行', 1.5],
      ],
    }).toString('utf8');
    expect(csv).toBe('\uFEFF名称,数\r\n"甲, ""乙""",-5\r\n\'=cmd|calc,\r\n"多\n行",1.5\r\n');
  });
});
