import type { Config } from '../../config/schema.ts';
import { redactUrl } from '../../platform/shared/redact-url.ts';
import type { CatalogCamera } from '../cameras/camera.types.ts';
import type { RtspTransport } from '../sources/types.ts';

/** A camera as ingest's readers see it (the camera list, its health API): no credentials. */
export interface CameraInfo {
  id: string;
  name: string;
  siteId: string;
  enterpriseId: string;
  enabled: boolean;
  /** credentials removed */
  url: string;
  recordUrl: string;
}

/** What ingest keeps of a camera: what it shows, and the raw URLs and transport it opens. */
export type CamInfo = CameraInfo & { rawUrl: string; rawRecordUrl: string; rtspTransport: RtspTransport };

/** A catalog camera as ingest runs it: credentials removed for showing, the transport resolved. */
export function infoOf(c: CatalogCamera, config: Config): CamInfo {
  return {
    id: c.id,
    name: c.name,
    siteId: c.siteId,
    enterpriseId: c.enterpriseId,
    enabled: c.enabled && config.ingest.enabled,
    url: redactUrl(c.url),
    recordUrl: redactUrl(c.recordUrl ?? c.url),
    rawUrl: c.url,
    rawRecordUrl: c.recordUrl ?? c.url,
    rtspTransport: c.rtspTransport ?? config.ingest.rtspTransport,
  };
}
