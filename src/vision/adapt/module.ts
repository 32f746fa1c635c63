import { unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import type { Platform } from '../../platform/platform.ts';
import { findModel, loadManifest, readVerifiedModel } from '../detect/manifest.ts';
import { SiteAdaptation, type AdaptDeps, type BaseModel } from './adapt.service.ts';
import { assertSoleEnterprise } from './box-owner.ts';
import { ADAPTED_MODEL, SiteCrops } from './site-crops.ts';
import { SiteCropsRepo } from './site-crops.repo.ts';
import { SiteModelStore, type SiteModelRef } from './site-models.ts';

/** Site learning as the composition root sees it. */
export interface SiteLearning {
  crops: SiteCrops;
  adaptation: SiteAdaptation;
  /** Refuses (403 `JH_ERR_ADAPT_SHARED_BOX`) an enterprise admin while the box holds another enterprise's cameras or crops (box-owner.ts). */
  assertSoleEnterprise(callerEnterpriseId: string | null): void;
  stop(): void;
}

/** What site learning hears from outside vision, given at construction (src/services.ts wires them). */
export type SiteLearningPorts = Pick<AdaptDeps, 'shipped' | 'ap'> & {
  /** the detection runtime's reload, once it runs (null: detection off) */
  reload: () => AdaptDeps['reload'];
  /** the enterprise of every camera on the box now (disabled ones too: their admin may enable them) */
  cameraEnterprises: () => readonly string[];
};

/** The shipped hard-hat model, read and verified against models/manifest.json. */
export function shippedBase(modelsDir: string): BaseModel {
  const entry = findModel(loadManifest(), ADAPTED_MODEL);
  const perClass = (entry.thresholds as { perClass?: { head?: number } }).perClass;
  return {
    bytes: readVerifiedModel(entry, modelsDir),
    sha256: entry.sha256,
    headThreshold: perClass?.head ?? entry.thresholds.score ?? 0.5,
  };
}

/** The site version to load at start, by model name (empty: the shipped files). */
export function siteModelsAtStart(dataDir: string): Record<string, SiteModelRef> {
  const entry = findModel(loadManifest(), ADAPTED_MODEL);
  const ref = new SiteModelStore(dataDir, ADAPTED_MODEL).current(entry.sha256);
  return ref ? { [ADAPTED_MODEL]: ref } : {};
}

/** Crops kept from no-hard-hat violations, labelled by their reviews; adaptation and rollback. */
export function createSiteLearning(platform: Platform, ports: SiteLearningPorts): SiteLearning {
  const { config, db, bus, clock, logger } = platform;
  const crops = new SiteCrops(new SiteCropsRepo(db), clock, logger);
  const off = crops.listen(bus);
  const store = new SiteModelStore(config.store.dataDir, ADAPTED_MODEL);
  const adaptation = new SiteAdaptation({
    crops,
    store,
    base: () => shippedBase(config.detect.modelsDir),
    shipped: ports.shipped,
    ap: ports.ap,
    reload: (ref) => ports.reload()?.(ref) ?? Promise.resolve(),
    config: config.adapt,
    clock,
    logger,
  });
  // `jianhu adapt` run beside the service writes the same version list: follow it (polled, 5 s)
  const versions = join(store.dir, 'versions.json');
  const follow = () =>
    void adaptation
      .follow()
      .catch((err: unknown) => logger.error({ err }, 'site model reload failed 现场模型加载失败'));
  watchFile(versions, { interval: 5_000, persistent: false }, follow);
  return {
    crops,
    adaptation,
    assertSoleEnterprise: (callerEnterpriseId) =>
      assertSoleEnterprise(callerEnterpriseId, [...ports.cameraEnterprises(), ...crops.enterpriseIds()]),
    stop() {
      off();
      unwatchFile(versions, follow);
    },
  };
}
