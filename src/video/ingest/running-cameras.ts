import type { Config } from '../../config/schema.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import { STREAM_FIELDS, type CameraChange, type CatalogCamera } from '../cameras/camera.types.ts';
import { infoOf, type CamInfo } from './camera-info.ts';
import { CameraSupervisor } from './camera-supervisor.ts';
import { classify, initialHealth, step, type Health, type HealthThresholds } from './health-machine.ts';
import { recordHealth } from './health-record.ts';
import type { HealthRepo } from './health.repo.ts';
import type { IngestMetrics } from './metrics.ts';
import type { Frame } from './types.ts';

/** One camera as ingest runs it: what it shows and opens, its supervisor while running, its health. */
export interface RunningCamera {
  info: CamInfo;
  sup: CameraSupervisor | null;
  health: Health;
}

/** An `offline` health that says why nothing watches the camera (not running, disabled, removed). */
const offline = (now: number, reason: string, message: string): Health => ({
  ...initialHealth(now),
  state: 'offline',
  reason,
  message,
});

/**
 * The cameras of the catalog and what ingest does with each: a supervisor per enabled camera once
 * started, started again on an edit of its stream, stopped with a last `removed` health on removal;
 * and its health, stepped on every evaluation and recorded on every change (health-record.ts).
 */
export class RunningCameras {
  private readonly cams = new Map<string, RunningCamera>();

  constructor(
    private readonly d: {
      config: Config;
      bus: EventBus;
      clock: Clock;
      logger: Logger;
      repo: HealthRepo;
      metrics: IngestMetrics | null;
      th: HealthThresholds;
      stallRestartMs: number;
      /** every frame of every supervisor */
      onFrame(frame: Frame): void;
    },
    cameras: readonly CatalogCamera[],
  ) {
    // Until started nothing watches the cameras: say so, rather than "connecting".
    const notRunning = offline(d.clock.now(), 'ingest_off', '视频接入未运行 Camera ingest is not running');
    for (const c of cameras)
      this.cams.set(c.id, { info: infoOf(c, d.config), sup: null, health: notRunning });
  }

  get(cameraId: string): RunningCamera | undefined {
    return this.cams.get(cameraId);
  }

  /** In catalog order (cameras added at run time last). */
  list(): RunningCamera[] {
    return [...this.cams.values()];
  }

  startAll(now: number): void {
    for (const cam of this.cams.values()) this.start(cam, null, now);
  }

  /**
   * A catalog change at run time: a new camera starts; an edit of its stream (URL, transport, enabled)
   * stops its ffmpeg and starts it again with the new settings (health restarts from connecting); a
   * rename or a move only updates what is shown; a removed camera stops and its health row is closed.
   * `running`: ingest has started (else only the list changes).
   */
  async apply(change: CameraChange, running: boolean): Promise<void> {
    const now = () => this.d.clock.now();
    const id = change.camera.id;
    const cam = this.cams.get(id);
    if (change.type === 'removed') {
      if (!cam) return;
      await cam.sup?.stop();
      cam.sup = null;
      // its last word, logged and chained like any other: the audit reads "removed", not a silent end,
      // and what listens to health (open violations, the wall) hears that the picture is gone
      this.record(cam, cam.health, offline(now(), 'removed', '摄像头已删除 Camera removed'));
      this.cams.delete(id);
      this.d.repo.closeCamera(id, now());
      return;
    }
    const info = infoOf(change.camera, this.d.config);
    if (!cam) {
      const fresh: RunningCamera = { info, sup: null, health: initialHealth(now()) };
      this.cams.set(id, fresh);
      if (running) this.start(fresh, null, now());
      return;
    }
    const restart =
      change.type === 'changed' &&
      change.changes.some((k) => (STREAM_FIELDS as readonly string[]).includes(k));
    cam.info = info;
    if (!restart || !running) return;
    await cam.sup?.stop();
    cam.sup = null;
    this.start(cam, cam.health, now());
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.cams.values()].map((c) => c.sup?.stop()));
    for (const c of this.cams.values()) c.sup = null;
  }

  /** Steps every running camera's health on what its supervisor saw; records each change of state. */
  evaluate(now: number): void {
    for (const cam of this.cams.values()) {
      if (!cam.sup) continue;
      const next = step(cam.health, classify(cam.sup.signals, now, this.d.th), now, this.d.th);
      if (next.state !== cam.health.state) {
        const prev = cam.health;
        cam.health = next;
        this.record(cam, prev, next);
      } else cam.health = next;
    }
  }

  /** Health starts again (connecting, or disabled) and, when enabled, a supervisor opens the camera. */
  private start(cam: RunningCamera, prev: Health | null, now: number): void {
    const { config, clock, logger } = this.d;
    const h = cam.info.enabled
      ? initialHealth(now)
      : offline(now, 'disabled', '摄像头已停用 Camera disabled');
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
      minChange: this.d.th.minChange,
      stallRestartMs: this.d.stallRestartMs,
      clock,
      logger,
      frameBuffers: config.ingest.frameBuffers,
      decoderNice: config.ingest.decoderNice,
      onFrame: (f) => this.d.onFrame(f),
    });
    cam.sup.start();
  }

  private record(cam: RunningCamera, prev: Health | null, next: Health): void {
    const { bus, clock, logger, repo, metrics } = this.d;
    recordHealth({ bus, clock, logger, repo, metrics }, cam.info, prev, next);
  }
}
