import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/platform/store/db.ts';
import { migrate } from '../../src/platform/store/migrate.ts';
import { SiteCropsRepo } from '../../src/vision/adapt/site-crops.repo.ts';
import { SiteModelStore } from '../../src/vision/adapt/site-models.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'jianhu-adapt-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const run = (adopted: boolean) => ({
  createdAt: '2026-12-07T10:00:00.000Z',
  baseSha256: 'b'.repeat(64),
  data: { siteTrain: 6, siteHeld: 2, confirmed: 3, dismissed: 5, shippedTrain: 8, shippedVal: 8 },
  before: { site: 0.5, shipped: 0.8 },
  after: { site: adopted ? 1 : 0.5, shipped: 0.79 },
  margin: 0.02,
  adopted,
  reason: adopted ? 'site rose' : 'site figure did not rise',
  cpuSeconds: 3,
});

describe('site model versions in the data folder', () => {
  it('adopts, keeps rejected runs out of use, rolls back to the previous version, then to the shipped model', () => {
    const store = new SiteModelStore(tmp());
    const v1 = store.add(run(true), Buffer.from('model one'));
    store.add(run(false), Buffer.from('model two'));
    const v3 = store.add(run(true), Buffer.from('model three'));
    expect(store.current('b'.repeat(64))?.version).toBe(3);
    expect(v3.previous).toBe(1);
    // a new shipped model makes the site version stale: the shipped file is used
    expect(store.current('c'.repeat(64))).toBeNull();
    expect(store.rollback('2026-12-07T11:00:00.000Z')).toEqual({ from: 3, to: 1 });
    expect(store.current('b'.repeat(64))?.sha256).toBe(v1.sha256);
    expect(store.rollback('2026-12-07T11:01:00.000Z')).toEqual({ from: 1, to: null });
    expect(() => store.rollback('2026-12-07T11:02:00.000Z')).toThrow(/shipped model is already in use/);
  });

  it('refuses a version file that no longer matches its recorded sha256', () => {
    const store = new SiteModelStore(tmp());
    store.add(run(true), Buffer.from('model one'));
    const ref = store.current('b'.repeat(64))!;
    expect(() => store.verify(ref)).not.toThrow();
    writeFileSync(ref.file, 'tampered');
    expect(() => store.verify(ref)).toThrow(/does not match the hash/);
  });
});

describe('site_crops (migration 120)', () => {
  it('keeps one crop per violation, labels it once from the review, and prunes unreviewed ones', () => {
    const db = openDb(join(tmp(), 'j.db'));
    migrate(db);
    const repo = new SiteCropsRepo(db);
    const crop = (violationId: number, createdAt: string) => ({
      violationId,
      enterpriseId: 'ent-a',
      siteId: 'site-a',
      cameraId: 'cam1',
      model: 'ppe-hardhat',
      jpeg: Buffer.from([0xff, 0xd8]),
      width: 100,
      height: 100,
      headBox: [40, 40, 60, 60] as [number, number, number, number],
      score: 0.7,
      modelScale: 0.65,
      createdAt,
    });
    expect(repo.insert(crop(1, '2026-12-07T10:00:00.000Z'))).toBe(true);
    expect(repo.insert(crop(1, '2026-12-07T10:00:01.000Z'))).toBe(false);
    expect(repo.insert(crop(2, '2026-11-01T10:00:00.000Z'))).toBe(true);
    expect(repo.label(1, 'not_bare_head', '2026-12-07T10:05:00.000Z')).toBe(true);
    expect(repo.label(1, 'bare_head', '2026-12-07T10:06:00.000Z')).toBe(false);
    expect(repo.prunePending('2026-12-01T00:00:00.000Z')).toBe(1);
    expect(repo.counts('ppe-hardhat')).toEqual({ pending: 0, bare_head: 0, not_bare_head: 1 });
    const [only] = repo.labelled('ppe-hardhat');
    expect(only?.headBox).toEqual([40, 40, 60, 60]);
    expect(only?.jpeg.equals(Buffer.from([0xff, 0xd8]))).toBe(true);
    db.close();
  });
});
