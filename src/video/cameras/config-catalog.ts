import type { Config } from '../../config/schema.ts';
import type { CameraCatalogView, CatalogCamera } from './camera.types.ts';

type ConfigSite = Config['sites'][number];

/** A camera of the config file as the catalog holds it (the seed and the config-only catalog share it). */
export function cameraFromConfig(
  site: ConfigSite,
  c: ConfigSite['cameras'][number],
): Omit<CatalogCamera, 'version' | 'updatedAt'> {
  return {
    id: c.id,
    name: c.name,
    siteId: site.id,
    enterpriseId: site.enterpriseId,
    url: c.url,
    recordUrl: c.recordUrl ?? null,
    rtspTransport: c.rtspTransport ?? null,
    enabled: c.enabled,
    source: 'config',
  };
}

/** A catalog of the config's cameras only, never changing (tools and tests that build ingest alone). */
export function configCatalog(config: Config): CameraCatalogView {
  const cams = config.sites.flatMap((site) =>
    site.cameras.map((c): CatalogCamera => ({ ...cameraFromConfig(site, c), version: 0, updatedAt: '' })),
  );
  return {
    list: () => cams,
    get: (id) => cams.find((c) => c.id === id),
    onChange: () => () => {},
  };
}
