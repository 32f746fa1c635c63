import type { Platform } from '../../platform/platform.ts';
import type { Frame } from '../../video/ingest/types.ts';
import { AppError } from '../../platform/shared/errors.ts';
import type { DetectConfig } from './config.schema.ts';
import type { SiteModelFile } from './manifest.ts';
import { createDetectMetrics } from './detect-metrics.ts';
import { DetectScheduler, type DetectionResult } from './scheduler.ts';
import { IdleWatch } from './idle-watch.ts';
import type { Label } from './types.ts';
import { InferencePool } from './worker/inference-pool.ts';

/** Which cameras have active permits, and news when that changes (the work context's index). */
export interface ActivePermitSignal {
  camerasActive(now: number): string[];
  onChange(listener: (cameraId: string, active: boolean) => void): () => void;
}

/** Ingest's side of the contract: `onFrame('*', h)` delivers every decoded frame of every camera. */
export interface FrameSource {
  /** `lent`: pooled frames without a copy; the scheduler retains what it keeps and copies what it hands on */
  onFrame(cameraId: string, handler: (f: Frame) => void, opts?: { lent?: boolean }): (() => void) | void;
}

/**
 * The detection runtime as the composition root sees it: `sessions` inference workers + the fair
 * scheduler. Wire it: `detect.attach(ingest)` (frames in), `detect.onResult(r => violations.handle(r))`
 * (detections out), `detect.followPermits(work.activePermits, now)` (cameras with active work first).
 */
export class DetectService {
  private detachers: (() => void)[] = [];
  private idleWatch: IdleWatch | undefined;

  private constructor(
    readonly pool: InferencePool,
    readonly scheduler: DetectScheduler,
  ) {}

  static async start(
    services: Pick<Platform, 'logger' | 'metrics' | 'health'>,
    config: DetectConfig,
    siteModels?: Readonly<Record<string, SiteModelFile>>,
  ): Promise<DetectService> {
    const { logger } = services;
    const t0 = performance.now();
    let pool: InferencePool;
    try {
      pool = await InferencePool.start(config.sessions, {
        models: config.models,
        modelsDir: config.modelsDir,
        threads: config.threads,
        overrides: config.overrides,
        shareBackbone: config.shareBackbone,
        inputSize: config.inputSize,
        ...(siteModels ? { siteModels } : {}),
      });
    } catch (e) {
      const detail = e instanceof AppError ? `${e.code}: ${e.message}` : (e as Error).message;
      services.health.set('detect', () => ({ ok: false, detail }));
      throw e;
    }
    const scheduler = new DetectScheduler(
      pool,
      config.scheduler,
      createDetectMetrics(services.metrics.registry),
      logger,
    );
    services.health.set('detect', () => ({
      ok: pool.size === config.sessions,
      detail: `${pool.size}/${config.sessions} inference workers; ${pool.models.join(', ')}`,
    }));
    logger.info(
      {
        models: pool.models,
        sessions: config.sessions,
        threads: config.threads,
        inputSize: config.inputSize,
        ms: Math.round(performance.now() - t0),
      },
      'detectors ready 检测模型已加载',
    );
    return new DetectService(pool, scheduler);
  }

  /** Labels the running detectors can produce (rules whose inputs are missing stay silent). */
  get labels(): ReadonlySet<Label> {
    return new Set(this.pool.labels);
  }

  attach(source: FrameSource): void {
    const off = source.onFrame('*', (f) => this.scheduler.offer(f), { lent: true });
    if (off) this.detachers.push(off);
  }

  onResult(handler: (r: DetectionResult) => void): () => void {
    return this.scheduler.onResult(handler);
  }

  /**
   * Cameras watching active work get the active rate first: the cameras active now are marked at once,
   * then every change the permits announce (no polling). Returns the unsubscribe function.
   */
  followPermits(permits: ActivePermitSignal, now: number): () => void {
    for (const id of permits.camerasActive(now)) this.scheduler.setActivePermit(id, true);
    return permits.onChange((cameraId, active) => this.scheduler.setActivePermit(cameraId, active));
  }

  /**
   * Calls `handler(cameraId, idle)` when a camera turns idle (no active permit, no person for
   * peopleHoldMs, no motion for motionHoldMs; checked every `everyMs`, reported after `settleMs` of it)
   * or busy again (at once, when the scheduler wakes it: idle-watch.ts): ingest decodes idle cameras'
   * keyframes only (`ingest.idleKeyframesOnly`).
   */
  onIdleChange(
    handler: (cameraId: string, idle: boolean) => void,
    o: { everyMs?: number; settleMs?: number } = {},
  ): void {
    this.idleWatch?.stop();
    this.idleWatch = new IdleWatch(this.scheduler, handler, o).start();
  }

  /** Loads these per-site model versions (none: the shipped files) in every worker (jianhu adapt). */
  async reloadSiteModels(siteModels: Readonly<Record<string, SiteModelFile>>): Promise<void> {
    await this.pool.reload({ siteModels });
  }

  async stop(): Promise<void> {
    this.idleWatch?.stop();
    for (const off of this.detachers.splice(0)) off();
    this.scheduler.stop();
    await this.pool.close();
  }
}
