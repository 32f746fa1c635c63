import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SiteCropsRepo } from '../../src/vision/adapt/site-crops.repo.ts';
import { SiteModelStore } from '../../src/vision/adapt/site-models.ts';
import { findModel, loadManifest } from '../../src/vision/detect/manifest.ts';
import { startFullTestService } from '../helpers/test-service.ts';

/**
 * The service site-learning-access.test.ts attacks: enterprise A's box with one camera, two site
 * versions seeded as a past `jianhu adapt` left them and four labelled crops; enterprise B with a site
 * and no camera yet. An adapt that does start fails at once (no shipped photos here), so nothing trains.
 */
export type FullTestService = Awaited<ReturnType<typeof startFullTestService>>;
let t: FullTestService;
let store: SiteModelStore;

export const BASE = '/api/admin/models/ppe-hardhat';
export const ROUTES = [
  { method: 'GET', url: `${BASE}/site` },
  { method: 'POST', url: `${BASE}/adapt` },
  { method: 'POST', url: `${BASE}/rollback` },
] as const;
const SHIPPED = findModel(loadManifest(), 'ppe-hardhat').sha256;

export const adaptation = () => t.service.services.siteLearning.adaptation;

/** Everything a refused call must leave alone: the run state, the crops and the version file on disk. */
export const snapshot = () => ({
  status: adaptation().status(),
  registry: readFileSync(join(store.dir, 'versions.json'), 'utf8'),
});

/** A request as `user` (null: no session) with a raw body, answered whatever its status. */
export const call = async (
  user: string | null,
  method: string,
  url: string,
  payload?: string,
  type?: string,
) =>
  t.app.inject({
    method: method as 'GET',
    url,
    headers: {
      ...(user ? { authorization: await t.login(user) } : {}),
      ...(payload !== undefined ? { 'content-type': type ?? 'application/json' } : {}),
    },
    ...(payload !== undefined ? { payload } : {}),
  });

/** A run as `jianhu adapt` records it, adopted (so rollback has something to undo). */
export const adopt = (bytes: string) =>
  store.add(
    {
      createdAt: new Date().toISOString(),
      baseSha256: SHIPPED,
      data: { siteTrain: 3, siteHeld: 1, confirmed: 2, dismissed: 2, shippedTrain: 8, shippedVal: 8 },
      before: { site: 0.5, shipped: 0.8 },
      after: { site: 0.75, shipped: 0.8 },
      margin: 0.02,
      adopted: true,
      reason: 'seeded',
      cpuSeconds: 1,
    },
    Buffer.from(bytes),
  );

/** The crop a no-hard-hat violation keeps (the port the supervision pipeline calls). */
export const holdCrop = (violationId: number, enterpriseId: string, siteId: string, cameraId: string) =>
  t.service.services.siteLearning.crops.hold({
    violationId,
    enterpriseId,
    siteId,
    cameraId,
    frame: { width: 320, height: 180, data: Buffer.alloc(320 * 180 * 3, 90) },
    head: [140, 40, 170, 70],
    score: 0.8,
  });

/** The full service, two adopted site versions (2 in use) and four crops (two confirmed, two dismissed). */
export async function startSiteLearningService(): Promise<FullTestService> {
  t = await startFullTestService({
    extra: {
      evidence: { clips: false },
      ingest: { probeAllowedNetworks: ['127.0.0.0/8'] },
      // an adapt that does start fails at once (no shipped photos here), so no test trains a model
      adapt: {
        minCrops: 4,
        datasetsDir: join(tmpdir(), `jianhu-no-datasets-${randomBytes(4).toString('hex')}`),
      },
      sites: [
        {
          id: 'site-a',
          name: '甲-炼钢车间',
          enterpriseId: 'ent-a',
          cameras: [{ id: 'cam-a1', name: '浇铸平台', url: 'rtsp://127.0.0.1:1/a1', enabled: false }],
        },
        { id: 'site-b', name: '乙-铸造车间', enterpriseId: 'ent-b', cameras: [] },
      ],
    },
  });
  store = new SiteModelStore(t.config.store.dataDir);
  adopt('site version one');
  adopt('site version two');
  const repo = new SiteCropsRepo(t.service.services.db);
  for (let i = 1; i <= 4; i++) {
    expect(await holdCrop(9000 + i, 'ent-a', 'site-a', 'cam-a1')).toBe(true);
    repo.label(9000 + i, i % 2 ? 'bare_head' : 'not_bare_head', new Date().toISOString());
  }
  return t;
}
