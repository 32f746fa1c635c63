import { describe, expect, it } from 'vitest';
import type { Hazard } from '../../src/oversight/hazards/hazards.repo.ts';
import {
  ANNEX_FORMS,
  hazardColumnsEnforcement,
  memoryHazardSource,
} from '../../src/oversight/reports/forms/index.ts';
import type { LoadedHazard } from '../../src/oversight/reports/forms/memory-source.ts';

// The in-memory HazardSource the county hub runs the box's form builders over (issue #24).
const base: Omit<Hazard, 'id' | 'enterpriseId' | 'foundAt'> = {
  siteId: null,
  source: 'inspection',
  violationId: null,
  stage: 'county_check',
  checker: '县检查组',
  supervisingUnit: null,
  description: '动火未办票',
  location: null,
  basis: null,
  hazardType: 'other',
  level: 'major',
  state: 'registered',
  responsibleUserId: null,
  deadline: null,
  five: null,
  penaltyYuan: 0,
  penaltyNote: null,
  registeredBy: 0,
  rectifiedBy: null,
  rectifiedAt: null,
  verifiedBy: null,
  verifiedAt: null,
  closedAt: null,
  overdueLevel: 0,
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 0,
};
const row = (
  id: number,
  ent: string,
  foundAt: string,
  patch: Partial<Hazard> = {},
  photos = 0,
): LoadedHazard => ({
  hazard: { ...base, id, enterpriseId: ent, foundAt, ...patch },
  photos: Array.from({ length: photos }, (_, i) => ({
    id: i + 1,
    hazardId: id,
    kind: 'before' as const,
    path: '',
    sha256: '',
    bytes: 0,
    mime: 'image/jpeg',
    at: foundAt,
  })),
  steps: patch.verifiedAt ? [{ toState: 'verified', at: patch.verifiedAt }] : [],
});

const rows = [
  row(3, 'ent-b', '2026-01-05T02:00:00.000Z', { level: 'general' }),
  row(1, 'ent-a', '2026-01-05T02:00:00.000Z', {}, 1),
  row(2, 'ent-a', '2025-12-01T02:00:00.000Z', {
    state: 'verified',
    verifiedAt: '2026-01-06T02:00:00.000Z',
    penaltyYuan: 10_000,
  }),
];

describe('memoryHazardSource', () => {
  it('filters and orders like HazardsRepo.list: found_at then id, [from, to)', () => {
    const s = memoryHazardSource(rows);
    const ids = (f: Parameters<typeof s.list>[0]) => s.list(f).map((h) => h.id);
    expect(ids({ enterpriseIds: ['ent-a', 'ent-b'] })).toEqual([2, 1, 3]);
    expect(ids({ enterpriseIds: ['ent-a'], level: 'major', to: '2026-01-05T02:00:00.000Z' })).toEqual([2]);
    expect(ids({ enterpriseIds: ['ent-a', 'ent-b'], from: '2026-01-05T02:00:00.000Z' })).toEqual([1, 3]);
    expect(ids({ enterpriseIds: ['ent-c'] })).toEqual([]);
    expect(s.transitionsInWindow(['ent-a'], 'verified', '2026-01-05', '2026-01-07')).toEqual([
      { hazardId: 2, at: '2026-01-06T02:00:00.000Z' },
    ]);
    expect(s.transitionsInWindow(['ent-b'], 'verified', '2026-01-05', '2026-01-07')).toEqual([]);
  });

  it("runs the box's builders: 照片见企业端 without a data folder, verified counted whenever found", () => {
    const hazards = memoryHazardSource(rows);
    const ctx = {
      hazards,
      enforcement: hazardColumnsEnforcement(hazards),
      enterprises: [
        { id: 'ent-a', name: '甲', regionId: 'z', industry: '冶金' },
        { id: 'ent-b', name: '乙', regionId: 'z', industry: '' },
      ],
      regions: [{ id: 'z', name: '泽州县' }],
      dataDir: null,
      utcOffsetMinutes: 480,
      now: Date.parse('2026-01-10T00:00:00Z'),
    };
    const req = {
      enterpriseIds: ['ent-a', 'ent-b'],
      from: Date.parse('2026-01-04T16:00:00Z'),
      to: Date.parse('2026-01-11T16:00:00Z'),
      unit: '泽州县',
    };
    const list = ANNEX_FORMS['hazard-list'].build(ctx, req);
    expect(list.sections.flatMap((s) => s.rows.map((r) => r[2]))).toEqual(['照片见企业端', null]);
    const weekly = ANNEX_FORMS.weekly.build(ctx, req);
    const a = weekly.sections[0]!.rows[0]!;
    // 市县检查: found 1 major (hazard 1), rectified 1 major (hazard 2, found in December)
    expect(a.slice(3 + 4, 3 + 8)).toEqual([0, 0, 1, 1]);
  });
});
