import type { CameraConfig, Config, SiteConfig } from '../../config/schema.ts';

/** Where a configured camera belongs (site, enterprise): the tenancy key of its zones and violations. */
export interface CameraRef {
  camera: CameraConfig;
  site: SiteConfig;
  enterpriseId: string;
}

export function cameraIndex(config: Config): Map<string, CameraRef> {
  const out = new Map<string, CameraRef>();
  for (const site of config.sites)
    for (const camera of site.cameras) out.set(camera.id, { camera, site, enterpriseId: site.enterpriseId });
  return out;
}
