import { join, resolve } from 'node:path';
import type { Config } from '../../config/schema.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import { endStrayProcesses } from '../../platform/shared/tied-child.ts';
import type { CatalogCamera } from '../cameras/camera.types.ts';
import { cameraSource } from '../sources/camera-source.ts';
import { SegmentRing } from './ring.ts';

/**
 * One recording ring per enabled camera (evidence.clips on), the source of every violation's clip:
 * started with the service, restarted when a camera is edited at run time, stopped with it.
 */
export class EvidenceRings {
  private readonly rings = new Map<string, SegmentRing>();

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  async startAll(cameras: readonly CatalogCamera[]): Promise<void> {
    if (!this.config.evidence.clips) return;
    // A recorder left by a run that died before its children were tied to it (or in the instant
    // between fork and prctl) would write the same segment names as the new one: end it first.
    const stray = endStrayProcesses('ffmpeg', join(this.root(), '/'));
    if (stray.length) this.logger.warn({ pids: stray }, 'ended evidence recorders left by an earlier run');
    for (const cam of cameras) await this.start(cam);
  }

  /** The camera's ring stops, and starts again with its new stream when it is (still) enabled; null: removed. */
  async restart(cameraId: string, camera: CatalogCamera | null): Promise<void> {
    if (!this.config.evidence.clips) return;
    const old = this.rings.get(cameraId);
    this.rings.delete(cameraId);
    await old?.stop();
    if (camera) await this.start(camera);
  }

  get(cameraId: string): SegmentRing | undefined {
    return this.rings.get(cameraId);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.rings.values()].map((r) => r.stop()));
    this.rings.clear();
  }

  /**
   * A ring is down when its camera is (ingest reports that): that alone is a camera problem. A ring
   * down while its camera is online is the service's own failure (a full ring disk, a crashing
   * recorder): violations would get no clip, so it is degraded (#23).
   */
  health(cameraOnline: (cameraId: string) => boolean): { ok: boolean; detail: string } {
    const down = [...this.rings].filter(([, r]) => !r.health().ok).map(([id]) => id);
    const rec = `rings recording ${this.rings.size - down.length}/${this.rings.size}`;
    const broken = down.filter(cameraOnline);
    if (broken.length) {
      const why = broken.map((id) => `${id}: ${this.rings.get(id)!.health().detail}`).join('; ');
      return {
        ok: false,
        detail: `摄像头在线但录像中断 recorder down while its camera is online: ${why}; ${rec}`,
      };
    }
    return { ok: true, detail: down.length ? `${rec}; down: ${down.join(',')}` : rec };
  }

  // absolute, so the recorders' command lines name it whole (endStrayProcesses matches on it)
  private root(): string {
    return resolve(this.config.evidence.ringDir ?? join(this.config.store.dataDir, 'ring'));
  }

  private async start(cam: CatalogCamera): Promise<void> {
    if (!cam.enabled) return;
    const ring = new SegmentRing({
      cameraId: cam.id,
      source: cameraSource(
        {
          url: cam.url,
          ...(cam.recordUrl ? { recordUrl: cam.recordUrl } : {}),
          ...(cam.rtspTransport ? { rtspTransport: cam.rtspTransport } : {}),
        },
        this.config.ingest,
        'record',
      ),
      dir: join(this.root(), cam.id),
      segmentSeconds: this.config.evidence.segmentSeconds,
      ringSeconds: this.config.evidence.ringSeconds,
      logger: this.logger,
    });
    await ring.start();
    this.rings.set(cam.id, ring);
  }
}
