import type { RtspTransport } from '../sources/types.ts';

/**
 * A camera as the catalog knows it: from the config (seeded at start) or added by an enterprise admin
 * at run time. `url` / `recordUrl` may carry credentials: in-process readers only (ingest, the relay,
 * the probe, the evidence ring); an API shows them through redactUrl.
 */
export interface CatalogCamera {
  id: string;
  name: string;
  siteId: string;
  enterpriseId: string;
  url: string;
  /** main stream for recording and clips; null: `url` */
  recordUrl: string | null;
  /** null: ingest.rtspTransport */
  rtspTransport: RtspTransport | null;
  enabled: boolean;
  /** `config`: as the config file says (refreshed at each start); `api`: the admin's, the table rules */
  source: 'config' | 'api';
  version: number;
  updatedAt: string;
}

/** What changed in the catalog; listeners hear it after the change committed. */
export type CameraChange =
  | { type: 'added'; camera: CatalogCamera }
  | { type: 'changed'; camera: CatalogCamera; previous: CatalogCamera; changes: string[] }
  | { type: 'removed'; camera: CatalogCamera };

/** The cameras now, and their changes: what ingest, the live relay, permits and the screens read. */
export interface CameraCatalogView {
  list(): CatalogCamera[];
  get(cameraId: string): CatalogCamera | undefined;
  /** `listener(change)` after each committed change; returns the unsubscribe function */
  onChange(listener: (change: CameraChange) => void): () => void;
}

/** Fields whose change makes every reader of the stream reopen it. */
export const STREAM_FIELDS = ['url', 'recordUrl', 'rtspTransport', 'enabled'] as const;
