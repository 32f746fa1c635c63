import { cameraFromConfig } from './config-catalog.ts';
import type { Config } from '../../config/schema.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';
import { assertProbeTarget } from '../live/probe-target.ts';
import type { RtspTransport } from '../sources/types.ts';
import type { CameraChange, CameraCatalogView, CatalogCamera } from './camera.types.ts';
import type { CamerasRepo, CameraRow } from './cameras.repo.ts';
import { CameraCatalogErrors } from './errors.ts';

/** What an admin gives for a new camera. */
export interface NewCamera {
  id: string;
  name: string;
  siteId: string;
  url: string;
  recordUrl?: string | null;
  rtspTransport?: RtspTransport | null;
  enabled?: boolean;
}

/** An edit: fields left out stay as they are (the URL is never shown, so an edit may leave it out). */
export type CameraPatch = Partial<Omit<NewCamera, 'id'>>;

/** Who asks: the admin's scope (their enterprise) and name. */
export interface CatalogCaller {
  scope: EnterpriseScope;
  username: string;
}

/** A camera's removal is refused while this returns permits naming it (numbers, for the message). */
export type RemovalGuard = (cameraId: string) => string[];

const NETWORK_URL = /^(rtsps?|https?):\/\/[^\s/?#]+/i;

/**
 * The cameras of this box: seeded from the config at each start, edited by enterprise admins at run
 * time, stored in `cameras` (migration 110). Seeding rule, as for zones: a camera still `config` takes
 * the config's values at each start (and goes when the config drops it); once an admin added, edited or
 * removed it through the API it is `api` and the table rules it. Every change is one transaction with
 * its `camera.added|changed|removed` event (outbox); listeners (ingest, the relay) hear it after commit.
 */
export class CameraCatalog implements CameraCatalogView {
  private readonly cams = new Map<string, CatalogCamera>();
  private readonly listeners = new Set<(c: CameraChange) => void>();
  private guard: RemovalGuard = () => [];

  constructor(
    private readonly config: Config,
    private readonly repo: CamerasRepo,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** At start: the config's cameras into the table (see the class comment), then the live ones into memory. */
  seedFromConfig(): void {
    const at = iso(this.clock.now());
    this.bus.transaction(() => {
      const rows = new Map(this.repo.all().map((r) => [r.id, r]));
      const inConfig = new Set<string>();
      for (const site of this.config.sites)
        for (const c of site.cameras) {
          inConfig.add(c.id);
          if (rows.get(c.id)?.source === 'api') continue;
          const row = rows.get(c.id);
          const next = { ...cameraFromConfig(site, c), updatedAt: at };
          if (row && !row.removedAt && sameCamera(row, next)) continue;
          this.repo.put(next, null);
        }
      for (const r of rows.values()) if (r.source === 'config' && !inConfig.has(r.id)) this.repo.delete(r.id);
    });
    this.cams.clear();
    for (const r of this.repo.all()) if (!r.removedAt) this.cams.set(r.id, withoutRemoved(r));
  }

  /** Set by the composition root once permits exist: removal is refused while a permit in progress names the camera. */
  guardRemoval(guard: RemovalGuard): void {
    this.guard = guard;
  }

  list(): CatalogCamera[] {
    return [...this.cams.values()];
  }

  get(cameraId: string): CatalogCamera | undefined {
    return this.cams.get(cameraId);
  }

  onChange(listener: (change: CameraChange) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The camera if the caller may see it; 404 otherwise (another enterprise's reads as unknown). */
  visible(caller: Pick<CatalogCaller, 'scope'>, cameraId: string): CatalogCamera {
    const cam = this.cams.get(cameraId);
    if (!cam || !caller.scope.can(cam.enterpriseId)) throw CameraCatalogErrors.notFound({ cameraId });
    return cam;
  }

  add(caller: CatalogCaller, input: NewCamera): CatalogCamera {
    const site = this.site(caller, input.siteId);
    // a removed camera's id may be given again (its row comes back); a live one's may not
    if (this.cams.has(input.id)) throw CameraCatalogErrors.exists({ cameraId: input.id });
    this.checkUrls(caller, input.url, input.recordUrl ?? null);
    const camera = this.bus.transaction(() => {
      const row = this.repo.put(
        {
          id: input.id,
          name: input.name,
          siteId: site.id,
          enterpriseId: site.enterpriseId,
          url: input.url,
          recordUrl: input.recordUrl ?? null,
          rtspTransport: input.rtspTransport ?? null,
          enabled: input.enabled ?? true,
          source: 'api',
          updatedAt: iso(this.clock.now()),
        },
        caller.username,
      );
      this.bus.publish('camera.added', site.enterpriseId, payload(row, [], caller.username));
      return withoutRemoved(row);
    });
    this.cams.set(camera.id, camera);
    this.emit({ type: 'added', camera });
    return camera;
  }

  update(caller: CatalogCaller, cameraId: string, patch: CameraPatch): CatalogCamera {
    const previous = this.visible(caller, cameraId);
    const site = patch.siteId === undefined ? null : this.site(caller, patch.siteId);
    if (patch.url !== undefined || patch.recordUrl)
      this.checkUrls(caller, patch.url, patch.recordUrl ?? null);
    const next: CatalogCamera = {
      ...previous,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(site ? { siteId: site.id, enterpriseId: site.enterpriseId } : {}),
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.recordUrl !== undefined ? { recordUrl: patch.recordUrl } : {}),
      ...(patch.rtspTransport !== undefined ? { rtspTransport: patch.rtspTransport } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
    };
    const changes = (['name', 'siteId', 'url', 'recordUrl', 'rtspTransport', 'enabled'] as const).filter(
      (k) => next[k] !== previous[k],
    );
    if (changes.length === 0) return previous;
    const camera = this.bus.transaction(() => {
      const row = this.repo.put(
        { ...next, source: 'api', updatedAt: iso(this.clock.now()) },
        caller.username,
      );
      this.bus.publish('camera.changed', row.enterpriseId, payload(row, changes, caller.username));
      return withoutRemoved(row);
    });
    this.cams.set(camera.id, camera);
    this.emit({ type: 'changed', camera, previous, changes });
    return camera;
  }

  remove(caller: CatalogCaller, cameraId: string): void {
    const camera = this.visible(caller, cameraId);
    const permits = this.guard(cameraId);
    if (permits.length > 0) throw CameraCatalogErrors.inUse({ cameraId, permits });
    this.bus.transaction(() => {
      this.repo.markRemoved(cameraId, iso(this.clock.now()), caller.username);
      this.bus.publish('camera.removed', camera.enterpriseId, payload(camera, [], caller.username));
    });
    this.cams.delete(cameraId);
    this.emit({ type: 'removed', camera });
  }

  private site(caller: Pick<CatalogCaller, 'scope'>, siteId: string) {
    const site = this.config.sites.find((s) => s.id === siteId);
    if (!site || !caller.scope.can(site.enterpriseId)) throw CameraCatalogErrors.siteNotFound({ siteId });
    return site;
  }

  /**
   * A network camera's URL only (a file path would let an admin read the box's files), on a host:port
   * the probe may test: a camera of the caller's enterprise or `ingest.probeAllowedNetworks` (ingest
   * would otherwise scan any host for whoever holds an admin account, #23).
   */
  private checkUrls(caller: Pick<CatalogCaller, 'scope'>, ...urls: (string | null | undefined)[]): void {
    const mine = this.list()
      .filter((c) => caller.scope.can(c.enterpriseId))
      .flatMap((c) => [c.url, ...(c.recordUrl ? [c.recordUrl] : [])]);
    for (const url of urls) {
      if (url === null || url === undefined) continue;
      if (!NETWORK_URL.test(url) || /\s/.test(url) || !URL.canParse(url)) throw CameraCatalogErrors.badUrl();
      assertProbeTarget(url, mine, this.config.ingest.probeAllowedNetworks);
    }
  }

  private emit(change: CameraChange): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.logger.error({ err, camera: change.camera.id }, 'camera catalog listener failed');
      }
    }
  }
}

function withoutRemoved(r: CameraRow): CatalogCamera {
  const { removedAt: _removed, ...camera } = r;
  return camera;
}

function sameCamera(a: CatalogCamera, b: Omit<CatalogCamera, 'version'>): boolean {
  return (['name', 'siteId', 'enterpriseId', 'url', 'recordUrl', 'rtspTransport', 'enabled'] as const).every(
    (k) => a[k] === b[k],
  );
}

function payload(c: CatalogCamera, changes: string[], by: string) {
  return { cameraId: c.id, siteId: c.siteId, name: c.name, changes, by };
}
