import type { Config } from '../../config/schema.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { Metrics } from '../../platform/observability/metrics.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { Db } from '../../platform/store/db.ts';
import { configCatalog } from '../cameras/config-catalog.ts';
import type { CameraCatalogView } from '../cameras/camera.types.ts';
import type { CameraInfo } from './camera-info.ts';
import { IngestErrors } from './errors.ts';
import { FrameFanout, type FrameHandler, type FrameSlot } from './frame-fanout.ts';
import { cameraStats, ingestHealthz, type CameraStats } from './ingest-diagnostics.ts';
import { DEFAULT_THRESHOLDS, type HealthThresholds } from './health-machine.ts';
import { HealthRepo, type HealthRecord } from './health.repo.ts';
import { createIngestMetrics, type IngestMetrics } from './metrics.ts';
import { RunningCameras } from './running-cameras.ts';
import type { CameraHealth, Frame } from './types.ts';

export type { CameraInfo, CameraStats };

export interface IngestDeps {
  config: Config;
  db: Db;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  /** /healthz components; ingest reports how many cameras are live */
  health?: Map<string, () => { ok: boolean; detail?: string }>;
  /** the cameras and their run-time changes; the config's cameras, unchanging, when not given */
  cameras?: CameraCatalogView;
}

export interface IngestOptions {
  thresholds?: Partial<HealthThresholds>;
  /** how often health is evaluated (ms) */
  tickMs?: number;
  stallRestartMs?: number;
}

/**
 * Camera ingest: one supervisor per enabled camera (running-cameras.ts), frames fanned out to consumers
 * (detection), and camera health evaluated every tick — stored and published (`camera.healthChanged`)
 * on change only.
 * The permits gate and the audit read `current`/`history`; nothing else touches camera_health_log.
 */
export class IngestService {
  readonly frames = new FrameFanout();
  private readonly cams: RunningCameras;
  private readonly repo: HealthRepo;
  private readonly th: HealthThresholds;
  private readonly metrics: IngestMetrics | null;
  private tick: NodeJS.Timeout | null = null;
  private lastTouch = 0;
  private readonly catalog: CameraCatalogView;
  private offCatalog: (() => void) | null = null;
  /** catalog changes are applied one after the other (a supervisor's stop is awaited) */
  private changes: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: IngestDeps,
    private readonly opts: IngestOptions = {},
  ) {
    this.repo = new HealthRepo(deps.db);
    this.th = { ...DEFAULT_THRESHOLDS, ...opts.thresholds };
    this.metrics = deps.metrics ? createIngestMetrics(deps.metrics.registry, () => this.stats()) : null;
    this.catalog = deps.cameras ?? configCatalog(deps.config);
    const { config, bus, clock, logger } = deps;
    this.cams = new RunningCameras(
      {
        config,
        bus,
        clock,
        logger,
        repo: this.repo,
        metrics: this.metrics,
        th: this.th,
        stallRestartMs: opts.stallRestartMs ?? 10_000,
        onFrame: (f) => this.onSupervisorFrame(f),
      },
      this.catalog.list(),
    );
  }

  start(): void {
    const { clock, logger } = this.deps;
    const now = clock.now();
    const closed = this.repo.closeStale();
    if (closed > 0) logger.warn({ closed }, 'closed camera health rows left open by an unclean stop');
    this.cams.startAll(now);
    // cameras added, edited, disabled or removed at run time (src/video/cameras), in order
    this.offCatalog = this.catalog.onChange((change) => {
      this.changes = this.changes
        .then(() => this.cams.apply(change, this.tick !== null))
        .catch((err: unknown) => logger.error({ err, camera: change.camera.id }, 'camera change failed'));
    });
    this.deps.health?.set('ingest', () =>
      ingestHealthz(this.tick !== null, this.all(), this.cams.list().filter((c) => c.info.enabled).length),
    );
    this.tick = setInterval(() => this.evaluate(), this.opts.tickMs ?? 250);
    this.tick.unref();
  }

  async stop(): Promise<void> {
    this.offCatalog?.();
    this.offCatalog = null;
    await this.changes;
    if (this.tick) clearInterval(this.tick);
    this.tick = null;
    await this.cams.stopAll();
    this.repo.closeAll(this.deps.clock.now());
  }

  cameras(): CameraInfo[] {
    return this.cams.list().map(({ info }) => ({
      id: info.id,
      name: info.name,
      siteId: info.siteId,
      enterpriseId: info.enterpriseId,
      enabled: info.enabled,
      url: info.url,
      recordUrl: info.recordUrl,
    }));
  }

  camera(cameraId: string): CameraInfo {
    const c = this.cameras().find((x) => x.id === cameraId);
    if (!c) throw IngestErrors.cameraNotFound({ cameraId });
    return c;
  }

  /**
   * The raw stream URLs (with credentials) for in-process consumers: `detect` is the substream ingest
   * reads, `record` the main stream for evidence clips. Never to be returned by an API or logged.
   */
  streamUrls(cameraId: string): { detect: string; record: string } {
    const cam = this.cams.get(cameraId);
    if (!cam) throw IngestErrors.cameraNotFound({ cameraId });
    return { detect: cam.info.rawUrl, record: cam.info.rawRecordUrl };
  }

  current(cameraId: string): CameraHealth {
    const cam = this.cams.get(cameraId);
    if (!cam) throw IngestErrors.cameraNotFound({ cameraId });
    const { state, reason, message, since } = cam.health;
    return { cameraId, state, reason, message, since };
  }

  all(): CameraHealth[] {
    return this.cams.list().map((c) => this.current(c.info.id));
  }

  history(cameraId: string, fromMs: number, toMs: number): HealthRecord[] {
    this.current(cameraId);
    return this.repo.history(cameraId, fromMs, toMs);
  }

  /** History as transitions (the audit's HealthHistorySource shape). */
  transitions(
    cameraId: string,
    fromMs: number,
    toMs: number,
  ): { at: number; state: CameraHealth['state']; reason: string }[] {
    return this.history(cameraId, fromMs, toMs).map((r) => ({
      at: r.sinceMs,
      state: r.state,
      reason: r.reason,
    }));
  }

  /** Like `current`, but undefined for an unknown camera (the permits gate's CameraLiveness shape). */
  find(cameraId: string): CameraHealth | undefined {
    return this.cams.get(cameraId) ? this.current(cameraId) : undefined;
  }

  /**
   * Push consumer: gets frames as they come; while its promise is pending, it only keeps the newest.
   * Returns the unsubscribe function (with `.stats()`: delivered and dropped for this consumer).
   * `lent: true`: frames come with their pooled buffer and a lease (types.ts `Frame.lease`), no copy;
   * the consumer retains what it keeps and copies what it stores. Otherwise each frame is its own.
   */
  onFrame(
    cameraId: string | '*',
    handler: FrameHandler,
    opts: { lent?: boolean } = {},
  ): (() => void) & { stats(): { dropped: number; delivered: number } } {
    const sub = this.frames.onFrame(cameraId, handler, opts);
    return Object.assign(() => sub.unsubscribe(), { stats: sub.stats });
  }

  /**
   * Decode only keyframes (an idle camera) or every frame; switched make-before-break, so health
   * and the permit gate see no gap. A no-op when `ingest.keyframesOnly` makes every camera keyframes-only.
   */
  setKeyframesOnly(cameraId: string, on: boolean): void {
    if (this.deps.config.ingest.keyframesOnly) return;
    this.cams.get(cameraId)?.sup?.setKeyframesOnly(on);
  }

  /** Whether a camera decodes keyframes only right now (false when unknown or not running). */
  decodesKeyframesOnly(cameraId: string): boolean {
    return this.cams.get(cameraId)?.sup?.decodesKeyframesOnly ?? false;
  }

  /** Pull consumer: a latest-frame slot to take from at its own pace. */
  slot(cameraId: string | '*'): FrameSlot {
    return this.frames.slot(cameraId);
  }

  latest(cameraId: string): Frame | null {
    return this.frames.latest(cameraId);
  }

  /** Per-camera counters (bench, diagnostics); `buffers`: the frame pool's (frame-pool.ts). */
  stats(): Record<string, CameraStats> {
    return Object.fromEntries(
      this.cams
        .list()
        .map((c) => [c.info.id, cameraStats(c.sup, this.frames.droppedByCamera.get(c.info.id) ?? 0)]),
    );
  }

  /** Evaluates every camera's health now (the tick calls it; tests may too). */
  evaluate(): void {
    const now = this.deps.clock.now();
    this.cams.evaluate(now);
    if (now - this.lastTouch >= 10_000) {
      this.lastTouch = now;
      this.repo.touch(now);
    }
  }

  private onSupervisorFrame(f: Frame): void {
    this.metrics?.frames.inc({ camera: f.cameraId });
    this.frames.publish(f);
  }
}
