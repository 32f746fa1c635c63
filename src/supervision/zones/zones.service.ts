import type { Config, ZoneConfig } from '../../config/schema.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { RuleZone } from '../rules/types.ts';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import { defineError } from '../../platform/shared/errors.ts';
import { polygonArea2 } from './geometry.ts';
import { cameraIndex, type CameraRef } from './cameras.ts';
import type { ZoneSet, ZonesRepo } from './zones.repo.ts';

/** What zones need of a camera added at run time. */
export interface RuntimeCamera {
  id: string;
  name: string;
  siteId: string;
  url: string;
  enabled: boolean;
}

export const ZoneErrors = {
  cameraNotFound: defineError('JH_ERR_ZONE_CAMERA_NOT_FOUND', 404, '摄像头不存在。', 'No such camera.'),
  duplicateId: defineError('JH_ERR_ZONE_DUPLICATE_ID', 400, '区域编号重复。', 'Two zones share the same id.'),
  degenerate: defineError(
    'JH_ERR_ZONE_DEGENERATE',
    400,
    '区域多边形面积为零（点共线）。',
    'A zone polygon has no area (its points lie on one line).',
  ),
};

/**
 * Camera zones: the config seeds them; the API may replace a camera's set, after which the API's
 * version wins over the config at later starts. Readers (the live pipeline) get a cached copy that
 * is refreshed on every change.
 */
export class ZonesService {
  private readonly cameras: Map<string, CameraRef>;
  private readonly cache = new Map<string, RuleZone[]>();
  private readonly listeners = new Set<(cameraId: string) => void>();

  constructor(
    private readonly config: Config,
    private readonly repo: ZonesRepo,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    /** cameras added at run time (the video context's catalog); their zones start empty */
    private readonly runtimeCamera: (cameraId: string) => RuntimeCamera | undefined = () => undefined,
  ) {
    this.cameras = cameraIndex(config);
  }

  /** At start: cameras whose zones still come from the config get the config's current zones. */
  seedFromConfig(): void {
    this.bus.transaction(() => {
      for (const [id, ref] of this.cameras) {
        const cur = this.repo.get(id);
        if (cur?.source === 'api') continue;
        if (cur && JSON.stringify(cur.zones) === JSON.stringify(ref.camera.zones)) continue;
        this.repo.replace(id, ref.camera.zones, 'config', iso(this.clock.now()), null);
      }
    });
    this.cache.clear();
  }

  camera(cameraId: string): CameraRef {
    const ref = this.cameras.get(cameraId) ?? this.runtimeRef(cameraId);
    if (!ref) throw ZoneErrors.cameraNotFound({ cameraId });
    return ref;
  }

  /** A camera the config does not name, added by an admin at run time: no zones and no rules of its own. */
  private runtimeRef(cameraId: string): CameraRef | undefined {
    const c = this.runtimeCamera(cameraId);
    const site = c && this.config.sites.find((s) => s.id === c.siteId);
    if (!c || !site) return undefined;
    const camera = { id: c.id, name: c.name, url: c.url, enabled: c.enabled, zones: [] };
    return { camera, site, enterpriseId: site.enterpriseId };
  }

  get(cameraId: string): ZoneSet {
    const ref = this.camera(cameraId);
    return (
      this.repo.get(cameraId) ?? {
        cameraId,
        source: 'config',
        version: 0,
        updatedAt: iso(this.clock.now()),
        updatedBy: null,
        zones: ref.camera.zones,
      }
    );
  }

  replace(cameraId: string, zones: ZoneConfig[], by: string): ZoneSet {
    const ref = this.camera(cameraId);
    const ids = new Set<string>();
    for (const z of zones) {
      if (ids.has(z.id)) throw ZoneErrors.duplicateId({ zoneId: z.id });
      ids.add(z.id);
      if (Math.abs(polygonArea2(z.points)) < 1e-9) throw ZoneErrors.degenerate({ zoneId: z.id });
    }
    this.bus.transaction(() => {
      const version = this.repo.replace(cameraId, zones, 'api', iso(this.clock.now()), by);
      this.bus.publish('zones.changed', ref.enterpriseId, { cameraId, version, zones: zones.length });
    });
    this.cache.delete(cameraId);
    for (const l of this.listeners) l(cameraId);
    return this.get(cameraId);
  }

  /** The zones the rules use for a camera (cached; refreshed on change). */
  forRules(cameraId: string): RuleZone[] {
    let z = this.cache.get(cameraId);
    if (!z) {
      z = this.get(cameraId).zones.map((x) => ({ id: x.id, kind: x.kind, points: x.points }));
      this.cache.set(cameraId, z);
    }
    return z;
  }

  onChange(fn: (cameraId: string) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
