import type { Config } from '../../config/schema.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { Metrics } from '../../platform/observability/metrics.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { Db } from '../../platform/store/db.ts';
import { configCatalog } from '../cameras/config-catalog.ts';
import { STREAM_FIELDS, type CameraCatalogView, type CameraChange } from '../cameras/camera.types.ts';
import { infoOf, type CamInfo, type CameraInfo } from './camera-info.ts';
import { CameraSupervisor } from './camera-supervisor.ts';
import { IngestErrors } from './errors.ts';
import { FrameFanout, type FrameHandler, type FrameSlot } from './frame-fanout.ts';
import { cameraStats, ingestHealthz, type CameraStats } from './ingest-diagnostics.ts';
import {
  classify,
  DEFAULT_THRESHOLDS,
  initialHealth,
  step,
  type Health,
  type HealthThresholds,
} from './health-machine.ts';
import { recordHealth } from './health-record.ts';
import { HealthRepo, type HealthRecord } from './health.repo.ts';
import { createIngestMetrics, type IngestMetrics } from './metrics.ts';
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

interface Cam {
  info: CamInfo;
  sup: CameraSupervisor | null;
  health: Health;
}

/**
 * Camera ingest: one supervisor per enabled camera, frames fanned out to consumers (detection), and
 * camera health evaluated every tick — stored and published (`camera.healthChanged`) on change only.
 * The permits gate and the audit read `current`/`history`; nothing else touches camera_health_log.
 */
export class IngestService {
  readonly frames = new FrameFanout();
  private readonly cams = new Map<string, Cam>();
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
    const now = deps.clock.now();
    // Until start() nothing watches the cameras: say so, rather than "connecting".
    const notRunning = {
      ...initialHealth(now),
      state: 'offline' as const,
      reason: 'ingest_off',
      message: '视频接入未运行 Camera ingest is not running',
    };
    for (const c of this.catalog.list())
      this.cams.set(c.id, { info: infoOf(c, deps.config), sup: null, health: notRunning });
  }

  start(): void {
    const { clock, logger } = this.deps;
    const now = clock.now();
    const closed = this.repo.closeStale();
    if (closed > 0) logger.warn({ closed }, 'closed camera health rows left open by an unclean stop');
    for (const cam of this.cams.values()) this.startCamera(cam, null, now);
    // cameras added, edited, disabled or removed at run time (src/video/cameras), in order
    this.offCatalog = this.catalog.onChange((change) => {
      this.changes = this.changes
        .then(() => this.applyChange(change))
        .catch((err: unknown) => logger.error({ err, camera: change.camera.id }, 'camera change failed'));
    });
    this.deps.health?.set('ingest', () =>
      ingestHealthz(
        this.tick !== null,
        this.all(),
        [...this.cams.values()].filter((c) => c.info.enabled).length,
      ),
    );
    this.tick = setInterval(() => this.evaluate(), this.opts.tickMs ?? 250);
    this.tick.unref();
  }

  /** Health starts again (connecting, or disabled) and, when enabled, a supervisor opens the camera. */
  private startCamera(cam: Cam, prev: Health | null, now: number): void {
    const { config, clock, logger } = this.deps;
    const h = cam.info.enabled
      ? initialHealth(now)
      : {
          ...initialHealth(now),
          state: 'offline' as const,
          reason: 'disabled',
          message: '摄像头已停用 Camera disabled',
        };
    cam.health = h;
    this.record(cam, prev, h);
    if (!cam.info.enabled) return;
    cam.sup = new CameraSupervisor({
      cameraId: cam.info.id,
      url: cam.info.rawUrl,
      width: config.ingest.width,
      height: config.ingest.height,
      fps: config.ingest.detectFps,
      transport: cam.info.rtspTransport,
      timeoutMs: config.ingest.timeoutMs,
      keyframesOnly: config.ingest.keyframesOnly,
      minChange: this.th.minChange,
      stallRestartMs: this.opts.stallRestartMs ?? 10_000,
      clock,
      logger,
      frameBuffers: config.ingest.frameBuffers,
      decoderNice: config.ingest.decoderNice,
      onFrame: (f) => this.onSupervisorFrame(f),
    });
    cam.sup.start();
  }

  /**
   * A catalog change at run time: a new camera starts; an edit of its stream (URL, transport, enabled)
   * stops its ffmpeg and starts it again with the new settings (health restarts from connecting); a
   * rename or a move only updates what is shown; a removed camera stops and its health row is closed.
   */
  private async applyChange(change: CameraChange): Promise<void> {
    const running = this.tick !== null;
    const now = () => this.deps.clock.now();
    const id = change.camera.id;
    const cam = this.cams.get(id);
    if (change.type === 'removed') {
      if (!cam) return;
      await cam.sup?.stop();
      cam.sup = null;
      // its last word, logged and chained like any other: the audit reads "removed", not a silent end,
      // and what listens to health (open violations, the wall) hears that the picture is gone
      const removed = {
        ...initialHealth(now()),
        state: 'offline' as const,
        reason: 'removed',
        message: '摄像头已删除 Camera removed',
      };
      this.record(cam, cam.health, removed);
      this.cams.delete(id);
      this.repo.closeCamera(id, now());
      return;
    }
    const info = infoOf(change.camera, this.deps.config);
    if (!cam) {
      const fresh: Cam = { info, sup: null, health: initialHealth(now()) };
      this.cams.set(id, fresh);
      if (running) this.startCamera(fresh, null, now());
      return;
    }
    const restart =
      change.type === 'changed' &&
      change.changes.some((k) => (STREAM_FIELDS as readonly string[]).includes(k));
    cam.info = info;
    if (!restart || !running) return;
    await cam.sup?.stop();
    cam.sup = null;
    this.startCamera(cam, cam.health, now());
  }

  async stop(): Promise<void> {
    this.offCatalog?.();
    this.offCatalog = null;
    await this.changes;
    if (this.tick) clearInterval(this.tick);
    this.tick = null;
    await Promise.all([...this.cams.values()].map((c) => c.sup?.stop()));
    for (const c of this.cams.values()) c.sup = null;
    this.repo.closeAll(this.deps.clock.now());
  }

  cameras(): CameraInfo[] {
    return [...this.cams.values()].map(({ info }) => ({
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
    return [...this.cams.keys()].map((id) => this.current(id));
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
    return this.cams.has(cameraId) ? this.current(cameraId) : undefined;
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
      [...this.cams.values()].map((c) => [
        c.info.id,
        cameraStats(c.sup, this.frames.droppedByCamera.get(c.info.id) ?? 0),
      ]),
    );
  }

  /** Evaluates every camera's health now (the tick calls it; tests may too). */
  evaluate(): void {
    const now = this.deps.clock.now();
    for (const cam of this.cams.values()) {
      if (!cam.sup) continue;
      const next = step(cam.health, classify(cam.sup.signals, now, this.th), now, this.th);
      if (next.state !== cam.health.state) {
        const prev = cam.health;
        cam.health = next;
        this.record(cam, prev, next);
      } else cam.health = next;
    }
    if (now - this.lastTouch >= 10_000) {
      this.lastTouch = now;
      this.repo.touch(now);
    }
  }

  private onSupervisorFrame(f: Frame): void {
    this.metrics?.frames.inc({ camera: f.cameraId });
    this.frames.publish(f);
  }

  private record(cam: Cam, prev: Health | null, next: Health): void {
    const { bus, clock, logger } = this.deps;
    recordHealth({ bus, clock, logger, repo: this.repo, metrics: this.metrics }, cam.info, prev, next);
  }
}
