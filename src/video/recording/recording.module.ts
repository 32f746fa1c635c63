import { mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Platform } from '../../platform/platform.ts';
import { systemClock } from '../../platform/shared/clock.ts';
import type { CameraCatalogView } from '../cameras/camera.types.ts';
import { DiskBudget } from './disk-budget.ts';
import type { Fmp4Feed } from './feed.ts';
import { RecordingRepo } from './recording.repo.ts';
import { RecordingService, type PermitCameras } from './recording.service.ts';
import { RecordingRetention, type SegmentPolicy } from './retention.ts';

const HOUR = 3_600_000;

export interface RecordingContext {
  repo: RecordingRepo;
  service: RecordingService;
  retention: RecordingRetention;
  budget: DiskBudget;
  /** absolute folder of the segment files */
  dir: string;
  /** starts recording (when a feed is there), the hourly retention sweep and the disk budget check */
  start(): void;
  stop(): void;
}

export interface RecordingPorts {
  /** the camera streams as fMP4 (src/video/relay); null: recording cannot run (reported on /healthz) */
  feed: Fmp4Feed | null;
  /** permits active or suspended now, with their cameras (the work context, adapted by the root) */
  openPermits: () => PermitCameras[];
  /** the cameras now (config seed and run-time ones): pre-roll arming and each segment's enterprise */
  cameras: CameraCatalogView;
  policy: SegmentPolicy;
  minRetentionDays: number;
}

export function recordingDir(platform: Pick<Platform, 'config'>): string {
  const { dir } = platform.config.recording;
  const dataDir = platform.config.store.dataDir;
  return resolve(dir ? (isAbsolute(dir) ? dir : join(dataDir, dir)) : join(dataDir, 'recordings'));
}

/** Recording by permit, its retention and its disk budget (see src/video/recording/README.md). */
export function createRecording(platform: Platform, ports: RecordingPorts): RecordingContext {
  const { config, db, bus, clock, logger, health } = platform;
  const cfg = config.recording;
  const dir = recordingDir(platform);
  const repo = new RecordingRepo(db);
  const catalog = ports.cameras;
  const feed = ports.feed;
  const service = new RecordingService({
    config: cfg,
    dir,
    dataDir: config.store.dataDir,
    repo,
    bus,
    // video times are the relay's wall clock (a fragment's receivedAt), whatever clock the permits run on
    clock: systemClock,
    logger,
    feed: feed ?? { subscribe: () => () => {} },
    openPermits: ports.openPermits,
    cameras: () => catalog.list().flatMap((c) => (c.enabled ? [c.id] : [])),
    placeOf: (id) => {
      const c = catalog.get(id);
      return c ? { siteId: c.siteId, enterpriseId: c.enterpriseId } : { siteId: null, enterpriseId: null };
    },
  });
  const retention = new RecordingRetention(
    repo,
    bus,
    clock,
    logger,
    config.store.dataDir,
    ports.policy,
    ports.minRetentionDays,
  );
  const budget = new DiskBudget(repo, bus, dir, cfg.diskBudgetGb, cfg.alarmAtPct);
  let timer: NodeJS.Timeout | null = null;
  let offCatalog: (() => void) | null = null;
  return {
    repo,
    service,
    retention,
    budget,
    dir,
    start() {
      if (!cfg.enabled) return;
      mkdirSync(dir, { recursive: true });
      if (feed) {
        service.start();
        // a camera added, enabled, disabled or removed at run time is armed or let go at once
        offCatalog = catalog.onChange((c) =>
          service.cameraChanged(c.camera.id, c.type !== 'removed' && c.camera.enabled),
        );
      } else logger.warn('no fMP4 feed: permit cameras are not recorded 无录像源，作业票摄像头不录像');
      const tick = () => {
        try {
          const r = retention.sweep();
          if (r.deleted) logger.info({ deleted: r.deleted }, 'recording retention 录像按保存期删除');
        } catch (err) {
          logger.warn({ err }, 'recording retention failed');
        }
      };
      timer = setInterval(tick, HOUR);
      timer.unref();
      tick();
      health.set('recording', () => {
        const b = budget.check();
        return { ok: b.ok, detail: b.detail };
      });
    },
    stop() {
      offCatalog?.();
      offCatalog = null;
      if (timer) clearInterval(timer);
      timer = null;
      service.stop();
      health.delete('recording');
    },
  };
}
