import type { Platform } from '../platform/platform.ts';
import { EvidenceRepo } from './evidence/evidence.repo.ts';
import { EvidenceService } from './evidence/evidence.service.ts';
import { EvidenceUnavailableRepo } from './evidence/evidence-unavailable.repo.ts';
import { IngestService } from './ingest/ingest.service.ts';

/** What the video context offers: camera ingest and health, and the evidence store with its rings. */
export interface VideoContext {
  /** one ffmpeg per camera, frames for detection, camera health (started by the composition root last) */
  ingest: IngestService;
  evidence: EvidenceService;
  /** Per-camera evidence rings (ffmpeg -c copy, when `rings`) and the hourly retention sweep. */
  startEvidence(): Promise<void>;
  stopEvidence(): Promise<void>;
}

const HOUR = 3_600_000;

export function createVideoContext(platform: Platform, opts: { rings: boolean }): VideoContext {
  const { config, db, bus, clock, logger, health } = platform;
  const ingest = new IngestService(platform);
  const evidence = new EvidenceService(
    config,
    new EvidenceRepo(db),
    new EvidenceUnavailableRepo(db),
    bus,
    clock,
    logger,
    (e) => platform.disk.record(e),
  );
  let timer: NodeJS.Timeout | null = null;
  let unfeed: (() => void) | null = null;
  return {
    ingest,
    evidence,
    async startEvidence() {
      if (opts.rings) await evidence.startRings();
      // every decoded frame, kept a few seconds: a snapshot shows the detection's own frame by time
      unfeed = ingest.onFrame('*', (f) => evidence.frames.push(f));
      const online = (id: string) => {
        try {
          return ingest.current(id).state === 'online';
        } catch {
          return false; // a camera ingest does not know
        }
      };
      health.set('evidence', () => evidence.health(online));
      const sweep = () =>
        evidence.retentionSweep().catch((err: unknown) => logger.warn({ err }, 'evidence retention failed'));
      timer = setInterval(() => void sweep(), HOUR);
      timer.unref();
      void sweep();
    },
    async stopEvidence() {
      if (timer) clearInterval(timer);
      unfeed?.();
      await evidence.stop();
      health.delete('evidence');
    },
  };
}
